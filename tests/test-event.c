/* Event encoding: a round trip keeps every field, the bytes are
 * little-endian whatever the host, and damaged bytes are refused. */
#include "config.h"

#include <string.h>

#include "core/event.h"
#include "unit.h"

static struct event sample(void)
{
	struct event ev = {
		.t_begin = -1234567890123LL,
		.rank = 70000,
		.seq = 4000000000u,
		.peer = EV_ANY,
		.tag = 2147483647,
		.count = 10000000,
		.type_size = 8,
		.st_source = 3,
		.st_tag = EV_ANY,
		.st_count = 3,
		.st_elements = 3,
		.aux = 99,
		.comm = 65535,
		.kind = EV_RECV,
		.dtype = DT_DOUBLE,
		.flags = EVF_LEVEL | EVF_TRUNCATED,
		.level = 5,
		.preview_len = 24,
		.preview_dtype = DT_DOUBLE,
	};
	event_set_duration(&ev, 123456);
	return ev;
}

static void test_round_trip(void)
{
	struct event in = sample(), out;
	uint8_t wire[EVENT_WIRE_SIZE];
	event_encode(&in, wire);
	CHECK(event_decode(wire, &out) == 0);
	CHECK(memcmp(&in, &out, sizeof in) == 0);
	/* little-endian: t_begin's lowest byte first, rank at offset 12 */
	CHECK(wire[0] == (uint8_t)(in.t_begin & 0xff));
	CHECK(wire[12] == 0x70 && wire[13] == 0x11 && wire[14] == 0x01 && wire[15] == 0);
	CHECK(wire[58] == EV_RECV);
}

static void test_rejects_damage(void)
{
	struct event in = sample(), out;
	uint8_t wire[EVENT_WIRE_SIZE];
	event_encode(&in, wire);
	wire[58] = EV_KIND_COUNT; /* unknown kind */
	CHECK(event_decode(wire, &out) == -1);
	event_encode(&in, wire);
	wire[59] = 200; /* unknown datatype */
	CHECK(event_decode(wire, &out) == -1);
	event_encode(&in, wire);
	wire[62] = EVENT_PREVIEW_MAX + 1; /* preview longer than the record */
	CHECK(event_decode(wire, &out) == -1);
	memset(wire, 0, sizeof wire); /* kind none */
	CHECK(event_decode(wire, &out) == -1);
	/* a time no run can have: the views' sums would overflow */
	in.t_begin = INT64_MAX - 1000;
	event_encode(&in, wire);
	CHECK(event_decode(wire, &out) == -1);
	in.t_begin = -EVENT_TIME_MAX;
	event_encode(&in, wire);
	CHECK(event_decode(wire, &out) == 0);
}

static void test_durations(void)
{
	struct event ev = sample();
	event_set_duration(&ev, 1500);
	CHECK(event_duration(&ev) == 1500);
	event_set_duration(&ev, 2147483647LL);
	CHECK(event_duration(&ev) == 2147483647LL);
	/* beyond 2 s durations keep microseconds */
	event_set_duration(&ev, 90LL * 1000000000LL + 123456);
	CHECK(event_duration(&ev) == 90LL * 1000000000LL + 123000);
	CHECK(event_end(&ev) == ev.t_begin + event_duration(&ev));
	event_set_duration(&ev, -5);
	CHECK(event_duration(&ev) == 0);
}

static void test_names(void)
{
	CHECK(strcmp(event_kind_name(EV_PROBE), "probe") == 0);
	CHECK(event_kind_from_name("scatter") == EV_SCATTER);
	CHECK(event_kind_from_name("nonsense") == -1);
	CHECK(strcmp(event_kind_name(250), "unknown") == 0);
	CHECK(strcmp(event_dtype_name(DT_DOUBLE), "MPI_DOUBLE") == 0);
	CHECK(event_dtype_size(DT_C_DOUBLE_COMPLEX) == 16);
	for (int k = 1; k < EV_KIND_COUNT; k++)
		CHECK(event_kind_from_name(event_kind_name(k)) == k);
}

static void test_bytes(void)
{
	struct event ev = sample();
	CHECK(event_bytes(&ev) == 80000000LL);
	CHECK(event_status_bytes(&ev) == 24);
	ev.st_count = EV_UNSET;
	CHECK(event_status_bytes(&ev) == -1);
}

int main(void)
{
	test_round_trip();
	test_rejects_damage();
	test_durations();
	test_names();
	test_bytes();
	UNIT_END();
}
