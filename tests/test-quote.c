/* Names in messages are quoted as `LC_ALL=C ls --quoting-style=shell-escape`
 * quotes them (coreutils 9.1's output for each of these names), so that
 * no control byte of a hostile name reaches the terminal. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/quote.h"
#include "unit.h"

static const struct {
	const char *name, *quoted;
} cases[] = {
    /* plain: as they are */
    {"run.loom", "run.loom"},
    {"/tmp/a-b_c/x,y%z+1:2@h]", "/tmp/a-b_c/x,y%z+1:2@h]"},
    {"x#", "x#"},
    {"a~", "a~"},
    {"a{", "a{"},
    {"-", "-"},
    /* a shell would read these otherwise: in single quotes */
    {"", "''"},
    {"a b", "'a b'"},
    {"a=b", "'a=b'"},
    {"#x", "'#x'"},
    {"~a", "'~a'"},
    {"{", "'{'"},
    {"?", "'?'"},
    {"a\\b", "'a\\b'"},
    {"^", "'^'"},
    {"$x", "'$x'"},
    {"!", "'!'"},
    {"*;|&<>()`\"[", "'*;|&<>()`\"['"},
    /* an apostrophe: in double quotes when nothing else needs more */
    {"it's", "\"it's\""},
    {"it's here", "\"it's here\""},
    {"#it's", "\"#it's\""},
    {"x#'s", "'x#'\\''s'"},
    {"a{'", "'a{'\\'''"},
    {"$'", "'$'\\'''"},
    /* control bytes, and bytes past ASCII as the C locale has them (never
     * a C1 control such as \233, CSI): each run in a $'...' of its own */
    {"a\033]0;t\007b", "'a'$'\\033'']0;t'$'\\a''b'"},
    {"\nb", "''$'\\n''b'"},
    {"a\n", "'a'$'\\n'"},
    {"\b\f\r\t\v", "''$'\\b\\f\\r\\t\\v'"},
    {"x\177y", "'x'$'\\177''y'"},
    {"\033'", "''$'\\033'\\'''"},
    {"r\303\251s", "'r'$'\\303\\251''s'"},
    {"\233", "''$'\\233'"},
    /* coreutils 9.1 prints a stray '' first here; the rest is its form */
    {"it's\t", "'it'\\''s'$'\\t'"},
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = quote_dup(cases[i].name);
		if (strcmp(got, cases[i].quoted) != 0) {
			fprintf(stderr, "case %zu quoted to [%s], wanted [%s]\n", i, got,
				cases[i].quoted);
			unit_failures++;
		}
		free(got);
	}
}

static void test_appends(void)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "cannot read ");
	quote_name(&sb, "a b");
	CHECK(strcmp(strbuf_str(&sb), "cannot read 'a b'") == 0);
	strbuf_free(&sb);
}

int main(void)
{
	test_cases();
	test_appends();
	UNIT_END();
}
