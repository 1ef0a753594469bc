/*
 * Runner of the host unit tests declared with TEST(). Prints "[unit] suite.name PASS|FAIL"
 * per test and "N passed, N failed"; exits 0 only when every selected test passed.
 * An optional argument selects tests whose "suite.name" contains it. When the environment
 * variable UNIT_JUNIT names a file, a JUnit XML report is written there.
 */
#include "tests/unit/harness.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static struct unit_test *unit_head;
static struct unit_test **unit_tail = &unit_head;
static bool unit_failed;
static char unit_first_msg[512];

void unit_register(struct unit_test *t)
{
	*unit_tail = t;
	unit_tail = &t->next;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char msg[400];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "  %s:%d: %s\n", file, line, msg);
	if (!unit_failed) {
		snprintf(unit_first_msg, sizeof(unit_first_msg), "%s:%d: %s", file, line, msg);
	}
	unit_failed = true;
}

bool unit_current_failed(void)
{
	return unit_failed;
}

bool unit_dies(void (*fn)(void), const char *text)
{
	char out[4096] = "";
	FILE *err = tmpfile();
	int status = 0;
	size_t n = 0;
	pid_t pid = -1;

	if (err == NULL) {
		return false;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(err), STDERR_FILENO);
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		fclose(err);
		return false;
	}
	rewind(err);
	n = fread(out, 1, sizeof(out) - 1, err);
	out[n] = '\0';
	fclose(err);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT) {
		return false;
	}
	return text == NULL || strstr(out, text) != NULL;
}

static void xml_escape(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const char *junit = getenv("UNIT_JUNIT");
	FILE *xml = NULL;
	unsigned passed = 0, failed = 0;
	char full[256];

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: %s [FILTER]\nRuns the host unit tests whose suite.name contains FILTER.\n"
		       "UNIT_JUNIT=<file> writes a JUnit XML report.\n", argv[0]);
		return 0;
	}
	if (junit != NULL) {
		xml = fopen(junit, "w");
		if (xml != NULL) {
			fputs("<?xml version=\"1.0\"?>\n<testsuite name=\"unit\">\n", xml);
		}
	}
	for (struct unit_test *t = unit_head; t != NULL; t = t->next) {
		snprintf(full, sizeof(full), "%s.%s", t->suite, t->name);
		if (filter != NULL && strstr(full, filter) == NULL) {
			continue;
		}
		unit_failed = false;
		unit_first_msg[0] = '\0';
		t->fn();
		printf("[unit] %s %s\n", full, unit_failed ? "FAIL" : "PASS");
		fflush(stdout);
		if (xml != NULL) {
			fprintf(xml, "  <testcase classname=\"%s\" name=\"%s\">", t->suite, t->name);
			if (unit_failed) {
				fputs("<failure message=\"", xml);
				xml_escape(xml, unit_first_msg);
				fputs("\"/>", xml);
			}
			fputs("</testcase>\n", xml);
		}
		if (unit_failed) {
			failed++;
		} else {
			passed++;
		}
	}
	if (xml != NULL) {
		fputs("</testsuite>\n", xml);
		fclose(xml);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed == 0 && passed > 0 ? 0 : 1;
}
