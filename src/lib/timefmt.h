/* Times as people and programs read them: ISO 8601 / RFC 3339 in local
 * time, as lsipc --time-format=iso writes them (ipctool-list(1),
 * ipctool-watch(1)). */
#ifndef IPCTOOL_TIMEFMT_H
#define IPCTOOL_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* T in local time into BUF: "2026-12-02T01:53:00+01:00", or with USEC >=
 * 0 "2026-12-02T01:53:00.123456+01:00".  0, or -1 when T has no local
 * time (BUF is then the seconds since the epoch, and USEC's fraction). */
int time_iso8601(time_t t, long usec, char *buf, size_t size);

#endif
