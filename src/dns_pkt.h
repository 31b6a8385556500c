/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS messages for a stub resolver (RFC 1035 section 4; A and AAAA records):
 * a recursive query for one name, and the checks and CNAME-following a
 * stub needs on the response. Pure: caller-owned buffers, no syscalls.
 */
#ifndef NETINIT_DNS_PKT_H
#define NETINIT_DNS_PKT_H

#include <stddef.h>
#include <stdint.h>

#define DNS_PORT     53
#define DNS_UDP_MAX  512	/* RFC 1035 2.3.4: a UDP message without EDNS */
#define DNS_NAME_MAX 253	/* dotted text, no trailing dot */
#define DNS_TYPE_A    1
#define DNS_TYPE_AAAA 28	/* RFC 3596 */

/*
 * Builds a query (RD set) for the A record of @name ("a.b.c", an optional
 * trailing dot is dropped) with @id. Returns its length, -EINVAL for a
 * name that is empty, has an empty or >63-byte label or is over
 * DNS_NAME_MAX, or -ENOSPC.
 */
int dns_build_query(uint8_t *buf, size_t size, const char *name, uint16_t id);

/* The same for the record type @qtype (DNS_TYPE_A or DNS_TYPE_AAAA). */
int dns_build_query_type(uint8_t *buf, size_t size, const char *name, uint16_t id,
			 uint16_t qtype);

/*
 * Reads a response to the query dns_build_query() made for @name / @id.
 * Follows a CNAME chain inside the answer section (at most 8 links).
 * Returns 0 with the first A address for the name (network order) in
 * @addr; -ENOENT: the name does not exist (NXDOMAIN); -ENODATA: it exists
 * without an A record (or the chain leaves the answer); -EAGAIN: the
 * server failed or refused (try the next one); -ENOMSG: not a response to
 * this query (other id, other question); -EBADMSG: malformed. Distrusts
 * every count, length and compression pointer.
 */
int dns_parse_response(const uint8_t *buf, size_t len, uint16_t id, const char *name,
		       uint32_t *addr);

/*
 * The same for a query of type @qtype (DNS_TYPE_A or DNS_TYPE_AAAA, else
 * -EINVAL), keeping up to @max addresses of the name (after its CNAME
 * chain), in answer order, packed into @addrs (4 or 16 bytes each).
 * Returns how many (1..@max) or a negative errno as above; records of
 * the type with a wrong RDATA length are skipped.
 */
int dns_parse_answers(const uint8_t *buf, size_t len, uint16_t id, const char *name,
		      uint16_t qtype, uint8_t *addrs, unsigned max);

#endif
