/* Command-line token lookup (see cmdline.h). */
#include "lib/cmdline.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size)
{
	const char *p = cmdline;
	bool found = false;

	if (cmdline == NULL || key == NULL) {
		return false;
	}
	while (*p != '\0') {
		const char *tok;
		size_t klen = 0;

		while (is_space(*p)) {
			p++;
		}
		tok = p;
		while (*p != '\0' && !is_space(*p)) {
			p++;
		}
		if (p == tok) {
			break;
		}
		while (key[klen] != '\0' && tok + klen < p && tok[klen] == key[klen]) {
			klen++;
		}
		if (key[klen] != '\0' || (tok + klen != p && tok[klen] != '=')) {
			continue;
		}
		found = true;
		if (val != NULL && size > 0) {
			const char *v = tok + klen + (tok + klen < p ? 1 : 0);
			size_t n = 0;

			while (v + n < p && n + 1 < size) {
				val[n] = v[n];
				n++;
			}
			val[n] = '\0';
		}
	}
	return found;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	return cmdline_get(cmdline, key, NULL, 0);
}
