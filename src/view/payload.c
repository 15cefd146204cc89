#include "config.h"

#include <complex.h>
#include <string.h>

#include "view/payload.h"

static void format_value(struct strbuf *sb, enum event_dtype dt, const uint8_t *p)
{
	switch (dt) {
	case DT_SHORT: {
		short v;
		memcpy(&v, p, sizeof v);
		strbuf_printf(sb, "%d", v);
		break;
	}
	case DT_INT: {
		int v;
		memcpy(&v, p, sizeof v);
		strbuf_printf(sb, "%d", v);
		break;
	}
	case DT_UNSIGNED: {
		unsigned v;
		memcpy(&v, p, sizeof v);
		strbuf_printf(sb, "%u", v);
		break;
	}
	case DT_LONG: {
		long v;
		memcpy(&v, p, sizeof v);
		strbuf_printf(sb, "%ld", v);
		break;
	}
	case DT_LONG_LONG: {
		long long v;
		memcpy(&v, p, sizeof v);
		strbuf_printf(sb, "%lld", v);
		break;
	}
	case DT_FLOAT: {
		float v;
		memcpy(&v, p, sizeof v);
		strbuf_printf(sb, "%g", (double)v);
		break;
	}
	case DT_DOUBLE: {
		double v;
		memcpy(&v, p, sizeof v);
		strbuf_printf(sb, "%g", v);
		break;
	}
	case DT_C_DOUBLE_COMPLEX: {
		double v[2];
		memcpy(v, p, sizeof v);
		strbuf_printf(sb, "%g%+gi", v[0], v[1]);
		break;
	}
	default:
		break;
	}
}

static void format_bytes(struct strbuf *sb, const uint8_t *bytes, size_t n, int more)
{
	strbuf_putc(sb, '<');
	for (size_t i = 0; i < n; i++)
		strbuf_printf(sb, i ? " %02x" : "%02x", bytes[i]);
	strbuf_puts(sb, more ? " ...>" : ">");
}

void payload_format(struct strbuf *sb, const struct event *ev, const uint8_t *bytes)
{
	enum event_dtype dt = ev->preview_dtype;
	size_t n = ev->preview_len > EVENT_PREVIEW_MAX ? EVENT_PREVIEW_MAX : ev->preview_len;
	int more = (ev->flags & EVF_TRUNCATED) != 0;
	size_t size = event_dtype_size(dt);

	if (dt == DT_CHAR) {
		strbuf_putc(sb, '"');
		strbuf_escape(sb, bytes, n);
		strbuf_puts(sb, more ? "\"..." : "\"");
		return;
	}
	if (size == 0 || dt == DT_BYTE || dt == DT_PACKED) {
		format_bytes(sb, bytes, n, more);
		return;
	}
	size_t values = n / size;
	strbuf_putc(sb, '[');
	for (size_t i = 0; i < values; i++) {
		if (i)
			strbuf_puts(sb, ", ");
		format_value(sb, dt, bytes + i * size);
	}
	strbuf_puts(sb, more || values * size < n ? ", ...]" : "]");
}
