/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/dns_pkt.c. The input is a UDP datagram from
 * anyone who can reach our port: dns_parse_response() of it (id taken
 * from its first two bytes, so the header check passes often) for two
 * names, and dns_parse_answers() of it as an AAAA and an A answer (the
 * count within its cap, nothing written past it). Then the encoder: the
 * input as a name must build a query of
 * sane length, and that query turned into an empty NOERROR response must
 * parse back as "no data" for the same name (the name comparison and the
 * compression-free decoder agree with the encoder).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const uint8_t *data, size_t size, const char *name)
{
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	uint32_t a;
	int rc = dns_parse_response(data, size, id, name, &a);

	if (rc != 0 && rc != -ENOENT && rc != -ENODATA && rc != -EAGAIN &&
	    rc != -ENOMSG && rc != -EBADMSG)
		abort();
}

static void parse_typed(const uint8_t *data, size_t size, const char *name, uint16_t qtype)
{
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	uint8_t out[3 * 16 + 1];
	int rc;

	out[sizeof(out) - 1] = 0xa5;
	rc = dns_parse_answers(data, size, id, name, qtype, out, 3);
	if ((rc > 3 || rc == 0 || rc < -200) || out[sizeof(out) - 1] != 0xa5)
		abort();
	if (rc < 0 && rc != -ENOENT && rc != -ENODATA && rc != -EAGAIN && rc != -ENOMSG &&
	    rc != -EBADMSG)
		abort();
}

static void roundtrip(const uint8_t *data, size_t size)
{
	char name[300];
	uint8_t q[DNS_UDP_MAX];
	uint32_t a;
	int len;

	if (size >= sizeof(name))
		return;
	memcpy(name, data, size);
	name[size] = '\0';
	len = dns_build_query(q, sizeof(q), name, 0xbeef);
	if (len == -EINVAL || (len < 0 && strlen(name) > DNS_NAME_MAX + 1))
		return;
	if (len < 0 || len > 12 + 255 + 4)
		abort();
	q[2] |= 0x80;
	if (dns_parse_response(q, (size_t)len, 0xbeef, name, &a) != -ENODATA)
		abort();
	/* the AAAA query differs only in its type, and reads back the same way */
	if (dns_build_query_type(q, sizeof(q), name, 0xbeef, DNS_TYPE_AAAA) != len)
		abort();
	q[2] |= 0x80;
	if (dns_parse_answers(q, (size_t)len, 0xbeef, name, DNS_TYPE_AAAA, (uint8_t *)&a, 1) !=
	    -ENODATA)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size, "mirror.lab.example");
	parse(data, size, "h.x");
	parse_typed(data, size, "mirror.lab.example", DNS_TYPE_AAAA);
	parse_typed(data, size, "h.x", DNS_TYPE_A);
	roundtrip(data, size);
	return 0;
}
