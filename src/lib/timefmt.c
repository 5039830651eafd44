/* ISO 8601 times: see timefmt.h. */
#include "lib/timefmt.h"

#include <stdio.h>

int time_iso8601(time_t t, long usec, char *buf, size_t size)
{
	struct tm tm;
	char day[32], zone[8], fraction[24] = "";

	if (usec >= 0)
		snprintf(fraction, sizeof(fraction), ".%06ld", usec);
	if (!localtime_r(&t, &tm) || strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5) {
		snprintf(buf, size, "%lld%s", (long long)t, fraction);
		return -1;
	}
	/* strftime's %z is +0100; the extended form wants +01:00. */
	snprintf(buf, size, "%s%s%.3s:%s", day, fraction, zone, zone + 3);
	return 0;
}
