/* Preloaded only in sanitizer test runs: MPICH's dependencies dlclose()
 * plugins whose globals still point at memory they allocated, which
 * LeakSanitizer then reports as leaks with no stack. Keeping every module
 * loaded makes those allocations reachable again, so a leak that LSan
 * reports is one worth reading. */
#include <stddef.h>

int dlclose(void *handle);

int dlclose(void *handle)
{
	(void)handle;
	return 0;
}
