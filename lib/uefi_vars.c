/*
 * The UEFI variable store (lib/uefi_vars.h, docs/uefi-mm.md): variables in a list kept in
 * creation order, the EFI SetVariable/GetVariable/GetNextVariableName/QueryVariableInfo
 * rules of EDK2's variable driver, EDK2 AuthVariableLib's time-based authentication
 * (PKCS#7 SignedData over Name || VendorGuid || Attributes || TimeStamp || Data, verified
 * with libcrypto), the PK/KEK/db key hierarchy and setup/user mode, and the versioned
 * record of the non-volatile variables.
 */
#include "lib/uefi_vars.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "lib/crc32.h"

struct var {
	struct var *next;
	efi_guid_t guid;
	uint32_t attributes;   /* as stored: never EFI_VARIABLE_APPEND_WRITE */
	bool read_only;        /* a mode variable: the store writes it, the guest cannot */
	bool has_signer;       /* private authenticated variable: signer_hash is its key */
	efi_time_t time_stamp; /* time-based authenticated variables */
	uint8_t signer_hash[32];
	uint16_t *name;        /* NUL-terminated */
	size_t name_size;      /* bytes, NUL included */
	uint8_t *data;
	size_t data_size;
};

struct uefi_vars {
	struct uefi_vars_limits lim;
	struct var *head;
	uint64_t used; /* storage cost of every non-read-only variable */
	uint64_t changes;
	bool at_runtime;
	bool ready_to_boot;
	struct uefi_vars_mode mode;
};

static const efi_guid_t global_guid = EFI_GLOBAL_VARIABLE_GUID;
static const efi_guid_t image_db_guid = EFI_IMAGE_SECURITY_DATABASE_GUID;
static const efi_guid_t pkcs7_guid = EFI_CERT_TYPE_PKCS7_GUID;
static const efi_guid_t x509_guid = EFI_CERT_X509_GUID;

/* ---- names ---- */

/* Characters before the first NUL within @size bytes, or -1 if there is none. */
static long name_len(const uint16_t *name, size_t size)
{
	size_t i;

	for (i = 0; i < size / 2; i++) {
		if (name[i] == 0) {
			return (long)i;
		}
	}
	return -1;
}

/* @name (NUL-terminated) equals the ASCII string @s. */
static bool name_is(const uint16_t *name, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (name[i] != (uint8_t)s[i]) {
			return false;
		}
	}
	return name[i] == 0;
}

/* Two NUL-terminated names are equal. */
static bool name_is_same(const uint16_t *a, const uint16_t *b)
{
	size_t i;

	for (i = 0; a[i] == b[i]; i++) {
		if (a[i] == 0) {
			return true;
		}
	}
	return false;
}

static bool guid_eq(const efi_guid_t *a, const efi_guid_t *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static const char *const mode_names[] = {"SetupMode", "SecureBoot", "AuditMode", "DeployedMode"};

static bool is_mode_var(const uint16_t *name, const efi_guid_t *guid)
{
	size_t i;

	if (!guid_eq(guid, &global_guid)) {
		return false;
	}
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (name_is(name, mode_names[i])) {
			return true;
		}
	}
	return false;
}

/*
 * UEFI-defined variables the firmware sets during boot that are read-only afterwards (EDK2
 * UefiVarCheckLib VAR_CHECK_VARIABLE_PROPERTY_READ_ONLY, enforced from EndOfDxe, which the
 * EDK2 MM handler assumes at READY_TO_BOOT at the latest).
 */
static const char *const boot_ro_names[] = {"PKDefault",  "KEKDefault", "dbDefault",
					    "dbxDefault", "dbtDefault", "dbrDefault",
					    "VendorKeys", "SignatureSupport"};

static bool is_boot_ro_var(const uint16_t *name, const efi_guid_t *guid)
{
	size_t i;

	if (!guid_eq(guid, &global_guid)) {
		return false;
	}
	for (i = 0; i < sizeof(boot_ro_names) / sizeof(boot_ro_names[0]); i++) {
		if (name_is(name, boot_ro_names[i])) {
			return true;
		}
	}
	return false;
}

enum var_class { CLASS_PK, CLASS_KEK, CLASS_DB, CLASS_OTHER };

static enum var_class var_class(const uint16_t *name, const efi_guid_t *guid)
{
	if (guid_eq(guid, &global_guid)) {
		if (name_is(name, "PK")) {
			return CLASS_PK;
		}
		if (name_is(name, "KEK")) {
			return CLASS_KEK;
		}
	} else if (guid_eq(guid, &image_db_guid)) {
		if (name_is(name, "db") || name_is(name, "dbx") || name_is(name, "dbt") ||
		    name_is(name, "dbr")) {
			return CLASS_DB;
		}
	}
	return CLASS_OTHER;
}

/* ---- the list ---- */

static uint64_t var_cost(size_t name_size, size_t data_size)
{
	return UEFI_VARS_ENTRY_OVERHEAD + (uint64_t)name_size + (uint64_t)data_size;
}

static void var_free(struct var *e)
{
	if (e != NULL) {
		free(e->name);
		free(e->data);
		free(e);
	}
}

static struct var *find(struct uefi_vars *v, const uint16_t *name, const efi_guid_t *guid,
			struct var ***link)
{
	struct var **pp;

	for (pp = &v->head; *pp != NULL; pp = &(*pp)->next) {
		struct var *e = *pp;

		if (guid_eq(&e->guid, guid) && name_is_same(e->name, name)) {
			if (link != NULL) {
				*link = pp;
			}
			return e;
		}
	}
	return NULL;
}

/* Append @e at the tail (creation order). */
static void list_append(struct uefi_vars *v, struct var *e)
{
	struct var **pp = &v->head;

	while (*pp != NULL) {
		pp = &(*pp)->next;
	}
	e->next = NULL;
	*pp = e;
}

static struct var *var_new(const uint16_t *name, size_t name_size, const efi_guid_t *guid,
			   uint32_t attributes, const void *data, size_t data_size)
{
	struct var *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		return NULL;
	}
	e->name = malloc(name_size);
	e->data = malloc(data_size ? data_size : 1);
	if (e->name == NULL || e->data == NULL) {
		var_free(e);
		return NULL;
	}
	memcpy(e->name, name, name_size);
	if (data_size != 0) {
		memcpy(e->data, data, data_size);
	}
	e->name_size = name_size;
	e->data_size = data_size;
	e->guid = *guid;
	e->attributes = attributes;
	return e;
}

/* ---- modes ---- */

static void ascii_name(uint16_t *out, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		out[i] = (uint8_t)s[i];
	}
	out[i] = 0;
}

/* Recompute the mode from PK and write it into the read-only variables. */
static void update_mode(struct uefi_vars *v)
{
	uint16_t pk[3];
	bool user;
	size_t i;
	struct var *e;

	ascii_name(pk, "PK");
	user = find(v, pk, &global_guid, NULL) != NULL;
	v->mode.setup_mode = user ? EFI_USER_MODE : EFI_SETUP_MODE;
	v->mode.secure_boot = user ? 1 : 0;
	v->mode.audit_mode = 0;
	v->mode.deployed_mode = 0;
	for (e = v->head; e != NULL; e = e->next) {
		if (!e->read_only) {
			continue;
		}
		for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
			if (name_is(e->name, mode_names[i])) {
				const uint8_t vals[] = {v->mode.setup_mode, v->mode.secure_boot,
							v->mode.audit_mode, v->mode.deployed_mode};

				e->data[0] = vals[i];
			}
		}
	}
}

struct uefi_vars *uefi_vars_new(const struct uefi_vars_limits *limits)
{
	struct uefi_vars *v;
	size_t i;

	if (limits == NULL || limits->max_var_size < 64 ||
	    limits->max_var_size > UEFI_VARS_MAX_VAR_SIZE_LIMIT ||
	    limits->max_storage < limits->max_var_size + UEFI_VARS_ENTRY_OVERHEAD) {
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	v->lim = *limits;
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		uint16_t name[16];
		uint8_t zero = 0;
		struct var *e;

		ascii_name(name, mode_names[i]);
		e = var_new(name, (strlen(mode_names[i]) + 1) * 2, &global_guid,
			    EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS, &zero, 1);
		if (e == NULL) {
			uefi_vars_free(v);
			return NULL;
		}
		e->read_only = true;
		list_append(v, e);
	}
	update_mode(v);
	return v;
}

void uefi_vars_free(struct uefi_vars *v)
{
	struct var *e, *next;

	if (v == NULL) {
		return;
	}
	for (e = v->head; e != NULL; e = next) {
		next = e->next;
		var_free(e);
	}
	free(v);
}

void uefi_vars_mode(const struct uefi_vars *v, struct uefi_vars_mode *out)
{
	*out = v->mode;
}

uint64_t uefi_vars_changes(const struct uefi_vars *v)
{
	return v->changes;
}

void uefi_vars_ready_to_boot(struct uefi_vars *v)
{
	v->ready_to_boot = true;
}

void uefi_vars_exit_boot_services(struct uefi_vars *v)
{
	v->at_runtime = true;
}

bool uefi_vars_at_runtime(const struct uefi_vars *v)
{
	return v->at_runtime;
}

void uefi_vars_reset(struct uefi_vars *v)
{
	struct var **pp = &v->head;

	while (*pp != NULL) {
		struct var *e = *pp;

		if (!e->read_only && (e->attributes & EFI_VARIABLE_NON_VOLATILE) == 0) {
			*pp = e->next;
			v->used -= var_cost(e->name_size, e->data_size);
			var_free(e);
		} else {
			pp = &e->next;
		}
	}
	v->at_runtime = false;
	v->ready_to_boot = false;
	update_mode(v);
}

/* ---- Get / GetNext / QueryInfo ---- */

static bool visible(const struct uefi_vars *v, const struct var *e)
{
	return !v->at_runtime || (e->attributes & EFI_VARIABLE_RUNTIME_ACCESS) != 0;
}

efi_status_t uefi_vars_get(struct uefi_vars *v, const uint16_t *name, size_t name_size,
			   const efi_guid_t *guid, uint32_t *attributes, uint64_t *data_size,
			   void *data)
{
	long len;
	struct var *e;

	if (name == NULL || guid == NULL || data_size == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	len = name_len(name, name_size);
	if (len < 0) {
		return EFI_INVALID_PARAMETER;
	}
	if (len == 0) {
		return EFI_NOT_FOUND;
	}
	e = find(v, name, guid, NULL);
	if (e == NULL || !visible(v, e)) {
		return EFI_NOT_FOUND;
	}
	if (attributes != NULL) {
		*attributes = e->attributes;
	}
	if (*data_size < e->data_size) {
		*data_size = e->data_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (data == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	memcpy(data, e->data, e->data_size);
	*data_size = e->data_size;
	return EFI_SUCCESS;
}

efi_status_t uefi_vars_get_next_name(struct uefi_vars *v, uint64_t *name_size, uint16_t *name,
				     efi_guid_t *guid)
{
	long len;
	struct var *e;

	if (name_size == NULL || name == NULL || guid == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	len = name_len(name, *name_size > SIZE_MAX ? SIZE_MAX : (size_t)*name_size);
	if (len < 0) {
		return EFI_INVALID_PARAMETER;
	}
	if (len == 0) {
		e = v->head;
	} else {
		e = find(v, name, guid, NULL);
		if (e == NULL || !visible(v, e)) {
			return EFI_INVALID_PARAMETER;
		}
		e = e->next;
	}
	while (e != NULL && !visible(v, e)) {
		e = e->next;
	}
	if (e == NULL) {
		return EFI_NOT_FOUND;
	}
	if (*name_size < e->name_size) {
		*name_size = e->name_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(name, e->name, e->name_size);
	*name_size = e->name_size;
	*guid = e->guid;
	return EFI_SUCCESS;
}

efi_status_t uefi_vars_query_info(struct uefi_vars *v, uint32_t attributes,
				  uint64_t *max_storage, uint64_t *remaining,
				  uint64_t *max_var_size)
{
	if (max_storage == NULL || remaining == NULL || max_var_size == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	if ((attributes & EFI_VARIABLE_ATTRIBUTES_MASK) == 0 ||
	    (attributes & ~EFI_VARIABLE_ATTRIBUTES_MASK) != 0) {
		return EFI_INVALID_PARAMETER;
	}
	if ((attributes & (EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS |
			   EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS |
			   EFI_VARIABLE_HARDWARE_ERROR_RECORD)) != 0) {
		return EFI_UNSUPPORTED;
	}
	if ((attributes & (EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_BOOTSERVICE_ACCESS)) ==
	    EFI_VARIABLE_RUNTIME_ACCESS) {
		return EFI_INVALID_PARAMETER;
	}
	if (v->at_runtime && (attributes & EFI_VARIABLE_RUNTIME_ACCESS) == 0) {
		return EFI_INVALID_PARAMETER;
	}
	*max_storage = v->lim.max_storage;
	*remaining = v->lim.max_storage - v->used;
	*max_var_size = v->lim.max_var_size;
	return EFI_SUCCESS;
}

/* ---- signature lists ---- */

static uint32_t le32(const uint8_t *p)
{
	uint32_t x;

	memcpy(&x, p, 4);
	return x;
}

/*
 * Check a buffer of EFI_SIGNATURE_LISTs (EDK2 CheckSignatureListFormat): every list fits,
 * its entries divide its body, known types have their fixed sizes, X.509 entries are
 * certificates; for PK exactly one list with one X.509 certificate.
 */
static bool esl_valid(const uint8_t *p, size_t size, enum var_class cls)
{
	static const efi_guid_t sha256 = EFI_CERT_SHA256_GUID;
	static const efi_guid_t rsa2048 = EFI_CERT_RSA2048_GUID;
	size_t off = 0, lists = 0, certs = 0;

	while (off < size) {
		struct efi_signature_list l;
		size_t body, n, i;

		if (size - off < sizeof(l)) {
			return false;
		}
		memcpy(&l, p + off, sizeof(l));
		if (l.signature_list_size > size - off || l.signature_size <= sizeof(efi_guid_t) ||
		    l.signature_header_size > l.signature_list_size - sizeof(l) ||
		    l.signature_list_size < sizeof(l)) {
			return false;
		}
		body = l.signature_list_size - sizeof(l) - l.signature_header_size;
		if (body == 0 || body % l.signature_size != 0) {
			return false;
		}
		n = body / l.signature_size;
		if (guid_eq(&l.signature_type, &sha256) && l.signature_size != 16 + 32) {
			return false;
		}
		if (guid_eq(&l.signature_type, &rsa2048) && l.signature_size != 16 + 256) {
			return false;
		}
		if (guid_eq(&l.signature_type, &x509_guid)) {
			for (i = 0; i < n; i++) {
				const uint8_t *der = p + off + sizeof(l) + l.signature_header_size +
						     i * l.signature_size + 16;
				const uint8_t *q = der;
				long len = (long)(l.signature_size - 16);
				X509 *x = d2i_X509(NULL, &q, len);

				X509_free(x);
				if (x == NULL || q != der + len) {
					return false;
				}
			}
			certs += n;
		} else if (cls == CLASS_PK) {
			return false;
		}
		lists++;
		off += l.signature_list_size;
	}
	if (cls == CLASS_PK && (lists != 1 || certs != 1)) {
		return false;
	}
	return true;
}

/*
 * Append @add to @old (APPEND_WRITE on KEK/db/dbx/dbt/dbr, EDK2 FilterSignatureList):
 * entries already present in @old (same type, size and bytes) are dropped, emptied lists
 * too. Both buffers are valid signature lists. Returns the new buffer (malloc) or NULL.
 */
static uint8_t *esl_merge(const uint8_t *old, size_t old_size, const uint8_t *add,
			  size_t add_size, size_t *out_size)
{
	uint8_t *out = malloc(old_size + add_size + 1);
	size_t o = old_size, off = 0;

	if (out == NULL) {
		return NULL;
	}
	memcpy(out, old, old_size);
	while (off < add_size) {
		struct efi_signature_list l;
		size_t hdr, n, i, start = o;

		memcpy(&l, add + off, sizeof(l));
		hdr = sizeof(l) + l.signature_header_size;
		n = (l.signature_list_size - hdr) / l.signature_size;
		memcpy(out + o, add + off, hdr);
		o += hdr;
		for (i = 0; i < n; i++) {
			const uint8_t *sig = add + off + hdr + i * l.signature_size;
			size_t ooff = 0;
			bool dup = false;

			while (ooff < old_size && !dup) {
				struct efi_signature_list ol;
				size_t ohdr, on, j;

				memcpy(&ol, old + ooff, sizeof(ol));
				ohdr = sizeof(ol) + ol.signature_header_size;
				on = (ol.signature_list_size - ohdr) / ol.signature_size;
				if (guid_eq(&ol.signature_type, &l.signature_type) &&
				    ol.signature_size == l.signature_size) {
					for (j = 0; j < on && !dup; j++) {
						dup = memcmp(old + ooff + ohdr + j * ol.signature_size,
							     sig, l.signature_size) == 0;
					}
				}
				ooff += ol.signature_list_size;
			}
			if (!dup) {
				memcpy(out + o, sig, l.signature_size);
				o += l.signature_size;
			}
		}
		if (o == start + hdr) {
			o = start; /* every entry was a duplicate */
		} else {
			uint32_t list_size = (uint32_t)(o - start);

			memcpy(out + start + offsetof(struct efi_signature_list, signature_list_size),
			       &list_size, 4);
		}
		off += l.signature_list_size;
	}
	*out_size = o;
	return out;
}

/* The first X.509 certificate of a variable's signature lists (PK), or NULL. */
static X509 *esl_first_cert(const uint8_t *p, size_t size)
{
	struct efi_signature_list l;
	const uint8_t *q;

	if (size < sizeof(l)) {
		return NULL;
	}
	memcpy(&l, p, sizeof(l));
	if (!guid_eq(&l.signature_type, &x509_guid) || l.signature_list_size > size ||
	    l.signature_size <= 16 ||
	    (uint64_t)sizeof(l) + l.signature_header_size + l.signature_size >
		    l.signature_list_size) {
		return NULL;
	}
	q = p + sizeof(l) + l.signature_header_size + 16;
	return d2i_X509(NULL, &q, (long)(l.signature_size - 16));
}

/* ---- PKCS#7 ---- */

static const uint8_t signed_data_oid[9] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};

/*
 * Decode the CertData of an EFI_VARIABLE_AUTHENTICATION_2 as EDK2's Pkcs7Verify does: a DER
 * ContentInfo of type signedData, or (what efitools and most signers emit) the bare
 * SignedData, which is wrapped in a ContentInfo first (EDK2 WrapPkcs7Data: a 19-byte
 * prefix with two-byte lengths). Only SHA-256 digests are accepted (as EDK2).
 */
static PKCS7 *pkcs7_decode(const uint8_t *sig, size_t size)
{
	uint8_t *wrapped = NULL;
	const uint8_t *p = sig;
	PKCS7 *p7;
	int i;

	if (size < 19 || size > 0xffffu - 19) {
		return NULL;
	}
	if (!(sig[4] == 0x06 && sig[5] == 0x09 && memcmp(sig + 6, signed_data_oid, 9) == 0)) {
		wrapped = malloc(size + 19);
		if (wrapped == NULL) {
			return NULL;
		}
		wrapped[0] = 0x30;
		wrapped[1] = 0x82;
		wrapped[2] = (uint8_t)((size + 15) >> 8);
		wrapped[3] = (uint8_t)(size + 15);
		wrapped[4] = 0x06;
		wrapped[5] = 0x09;
		memcpy(wrapped + 6, signed_data_oid, 9);
		wrapped[15] = 0xa0;
		wrapped[16] = 0x82;
		wrapped[17] = (uint8_t)(size >> 8);
		wrapped[18] = (uint8_t)size;
		memcpy(wrapped + 19, sig, size);
		p = wrapped;
		size += 19;
	}
	p7 = d2i_PKCS7(NULL, &p, (long)size);
	free(wrapped);
	if (p7 == NULL) {
		return NULL;
	}
	if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL || p7->d.sign->md_algs == NULL ||
	    sk_X509_ALGOR_num(p7->d.sign->md_algs) < 1) {
		PKCS7_free(p7);
		return NULL;
	}
	for (i = 0; i < sk_X509_ALGOR_num(p7->d.sign->md_algs); i++) {
		const X509_ALGOR *alg = sk_X509_ALGOR_value(p7->d.sign->md_algs, i);

		if (OBJ_obj2nid(alg->algorithm) != NID_sha256) {
			PKCS7_free(p7);
			return NULL;
		}
	}
	return p7;
}

/* PKCS7_verify of detached @data against the one trust anchor @trusted (EDK2 flags). */
static bool pkcs7_verify(PKCS7 *p7, X509 *trusted, const uint8_t *data, size_t size)
{
	X509_STORE *store = X509_STORE_new();
	BIO *bio = BIO_new_mem_buf(data, (int)size);
	bool ok = false;

	if (store != NULL && bio != NULL && X509_STORE_add_cert(store, trusted) == 1) {
		X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
		X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
		ok = PKCS7_verify(p7, NULL, store, bio, NULL, PKCS7_BINARY) == 1;
	}
	BIO_free(bio);
	X509_STORE_free(store);
	return ok;
}

/* The certificate of the first SignerInfo of @p7 (owned by @p7), or NULL. */
static X509 *pkcs7_first_signer(PKCS7 *p7)
{
	STACK_OF(PKCS7_SIGNER_INFO) *infos = PKCS7_get_signer_info(p7);
	PKCS7_SIGNER_INFO *si;
	STACK_OF(X509) *certs = p7->d.sign->cert;

	if (infos == NULL || sk_PKCS7_SIGNER_INFO_num(infos) < 1 || certs == NULL) {
		return NULL;
	}
	si = sk_PKCS7_SIGNER_INFO_value(infos, 0);
	return X509_find_by_issuer_and_serial(certs, si->issuer_and_serial->issuer,
					      si->issuer_and_serial->serial);
}

static bool cert_hash(X509 *x, uint8_t out[32])
{
	uint8_t *der = NULL;
	int len = i2d_X509(x, &der);
	unsigned int n = 0;
	bool ok;

	if (len <= 0) {
		return false;
	}
	ok = EVP_Digest(der, (size_t)len, out, &n, EVP_sha256(), NULL) == 1 && n == 32;
	OPENSSL_free(der);
	return ok;
}

/* ---- SetVariable ---- */

/* EDK2 AuthServiceInternalCompareTimeStamp: @a <= @b. */
static bool time_le(const efi_time_t *a, const efi_time_t *b)
{
	if (a->year != b->year) {
		return a->year < b->year;
	}
	if (a->month != b->month) {
		return a->month < b->month;
	}
	if (a->day != b->day) {
		return a->day < b->day;
	}
	if (a->hour != b->hour) {
		return a->hour < b->hour;
	}
	if (a->minute != b->minute) {
		return a->minute < b->minute;
	}
	if (a->second != b->second) {
		return a->second < b->second;
	}
	return a->nanosecond <= b->nanosecond;
}

/* What an authenticated write resolved to. */
struct auth_result {
	const uint8_t *payload;
	size_t payload_size;
	bool timed;             /* a time-based write: @ts applies */
	efi_time_t ts;
	bool has_signer;
	uint8_t signer_hash[32];
};

/*
 * Which keys verify a time-based write (EDK2 AuthVarType*): the payload's own certificate
 * (PK in setup mode), PK, KEK (db/dbx/dbt/dbr: PK or KEK), or the variable's first signer.
 */
enum auth_by { BY_NONE, BY_PAYLOAD, BY_PK, BY_PK_OR_KEK, BY_PRIV };

/* Verify the PKCS#7 of a time-based write @d (EDK2 VerifyTimeBasedPayload). */
static efi_status_t verify_time_based(struct uefi_vars *v, const uint16_t *name, size_t name_size,
				      const efi_guid_t *guid, uint32_t attributes,
				      const uint8_t *d, size_t size, struct var *old,
				      enum auth_by by, struct auth_result *r)
{
	struct efi_variable_authentication_2 a;
	size_t sig_size, signed_size;
	uint8_t *signed_data = NULL;
	PKCS7 *p7 = NULL;
	efi_status_t st = EFI_SECURITY_VIOLATION;
	bool ok = false;
	uint16_t kek_name[4];
	struct var *kek;

	memcpy(&a, d, sizeof(a));
	if (a.auth_info.hdr.w_certificate_type != WIN_CERT_TYPE_EFI_GUID ||
	    !guid_eq(&a.auth_info.cert_type, &pkcs7_guid)) {
		return EFI_SECURITY_VIOLATION;
	}
	if (a.time_stamp.pad1 != 0 || a.time_stamp.nanosecond != 0 ||
	    a.time_stamp.time_zone != 0 || a.time_stamp.daylight != 0 || a.time_stamp.pad2 != 0) {
		return EFI_SECURITY_VIOLATION;
	}
	if ((attributes & EFI_VARIABLE_APPEND_WRITE) == 0 && old != NULL &&
	    (old->attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) != 0 &&
	    time_le(&a.time_stamp, &old->time_stamp)) {
		return EFI_SECURITY_VIOLATION;
	}
	sig_size = a.auth_info.hdr.dw_length - sizeof(struct win_certificate_uefi_guid);
	r->payload = d + EFI_VARIABLE_AUTHENTICATION_2_CERT_DATA_OFFSET + sig_size;
	r->payload_size = size - EFI_VARIABLE_AUTHENTICATION_2_CERT_DATA_OFFSET - sig_size;
	r->timed = true;
	r->ts = a.time_stamp;

	p7 = pkcs7_decode(d + EFI_VARIABLE_AUTHENTICATION_2_CERT_DATA_OFFSET, sig_size);
	if (p7 == NULL) {
		return EFI_SECURITY_VIOLATION;
	}
	/* Name (no NUL) || VendorGuid || Attributes || TimeStamp || Data */
	signed_size = name_size - 2 + sizeof(*guid) + 4 + sizeof(efi_time_t) + r->payload_size;
	signed_data = malloc(signed_size);
	if (signed_data == NULL) {
		st = EFI_OUT_OF_RESOURCES;
		goto out;
	}
	memcpy(signed_data, name, name_size - 2);
	memcpy(signed_data + name_size - 2, guid, sizeof(*guid));
	memcpy(signed_data + name_size - 2 + 16, &attributes, 4);
	memcpy(signed_data + name_size - 2 + 20, &a.time_stamp, sizeof(efi_time_t));
	memcpy(signed_data + name_size - 2 + 36, r->payload, r->payload_size);

	switch (by) {
	case BY_PAYLOAD:
	case BY_PK: {
		uint16_t pk_name[3];
		struct var *pk;
		X509 *x;

		ascii_name(pk_name, "PK");
		pk = find(v, pk_name, &global_guid, NULL);
		if (by == BY_PAYLOAD) {
			x = esl_first_cert(r->payload, r->payload_size);
		} else {
			x = pk != NULL ? esl_first_cert(pk->data, pk->data_size) : NULL;
		}
		ok = x != NULL && pkcs7_verify(p7, x, signed_data, signed_size);
		X509_free(x);
		break;
	}
	case BY_PK_OR_KEK: {
		uint16_t pk_name[3];
		struct var *pk;
		size_t off = 0;

		ascii_name(pk_name, "PK");
		pk = find(v, pk_name, &global_guid, NULL);
		if (pk != NULL) {
			X509 *x = esl_first_cert(pk->data, pk->data_size);

			ok = x != NULL && pkcs7_verify(p7, x, signed_data, signed_size);
			X509_free(x);
		}
		ascii_name(kek_name, "KEK");
		kek = find(v, kek_name, &global_guid, NULL);
		while (!ok && kek != NULL && kek->data_size - off >= sizeof(struct efi_signature_list)) {
			struct efi_signature_list l;
			size_t i, n, hdr;

			memcpy(&l, kek->data + off, sizeof(l));
			hdr = sizeof(l) + l.signature_header_size;
			if (l.signature_list_size > kek->data_size - off || l.signature_size <= 16 ||
			    l.signature_list_size < hdr) {
				break;
			}
			n = (l.signature_list_size - hdr) / l.signature_size;
			for (i = 0; i < n && !ok && guid_eq(&l.signature_type, &x509_guid); i++) {
				const uint8_t *q = kek->data + off + hdr + i * l.signature_size + 16;
				X509 *x = d2i_X509(NULL, &q, (long)(l.signature_size - 16));

				ok = x != NULL && pkcs7_verify(p7, x, signed_data, signed_size);
				X509_free(x);
			}
			off += l.signature_list_size;
		}
		break;
	}
	case BY_PRIV: {
		X509 *signer = pkcs7_first_signer(p7);

		if (signer == NULL || !cert_hash(signer, r->signer_hash)) {
			break;
		}
		if (old != NULL && old->has_signer &&
		    memcmp(old->signer_hash, r->signer_hash, 32) != 0) {
			break;
		}
		ok = pkcs7_verify(p7, signer, signed_data, signed_size);
		r->has_signer = true;
		break;
	}
	case BY_NONE:
		break;
	}
	st = ok ? EFI_SUCCESS : EFI_SECURITY_VIOLATION;
out:
	free(signed_data);
	PKCS7_free(p7);
	return st;
}

/* The record holds at most this many entries (uefi_vars_parse() refuses more). */
#define REC_MAX_ENTRIES 4096u

/* Non-volatile (recorded) variables in the store. */
static size_t nv_count(const struct uefi_vars *v)
{
	const struct var *e;
	size_t n = 0;

	for (e = v->head; e != NULL; e = e->next) {
		n += !e->read_only && (e->attributes & EFI_VARIABLE_NON_VOLATILE) != 0;
	}
	return n;
}

efi_status_t uefi_vars_set(struct uefi_vars *v, const uint16_t *name, size_t name_size,
			   const efi_guid_t *guid, uint32_t attributes, const void *data,
			   uint64_t data_size)
{
	const uint8_t *d = data;
	long len;
	struct var *old, **link = NULL, *e;
	enum var_class cls;
	struct auth_result r;
	uint32_t stored_attr = attributes & ~EFI_VARIABLE_APPEND_WRITE;
	bool append = (attributes & EFI_VARIABLE_APPEND_WRITE) != 0;
	bool was_pk_change = false;
	uint8_t *merged = NULL;
	size_t new_size;
	uint64_t new_cost, old_cost;
	efi_status_t st;

	if (name == NULL || guid == NULL || (data_size != 0 && data == NULL)) {
		return EFI_INVALID_PARAMETER;
	}
	len = name_len(name, name_size);
	if (len <= 0 || (size_t)(len + 1) * 2 > UEFI_VARS_MAX_NAME_SIZE) {
		return EFI_INVALID_PARAMETER;
	}
	name_size = (size_t)(len + 1) * 2;
	if ((attributes & ~EFI_VARIABLE_ATTRIBUTES_MASK) != 0) {
		return EFI_INVALID_PARAMETER;
	}
	if ((attributes & (EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS |
			   EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS |
			   EFI_VARIABLE_HARDWARE_ERROR_RECORD)) != 0) {
		return EFI_UNSUPPORTED;
	}
	if ((attributes & (EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_BOOTSERVICE_ACCESS)) ==
	    EFI_VARIABLE_RUNTIME_ACCESS) {
		return EFI_INVALID_PARAMETER;
	}
	if (is_mode_var(name, guid) ||
	    ((v->ready_to_boot || v->at_runtime) && is_boot_ro_var(name, guid))) {
		return EFI_WRITE_PROTECTED;
	}
	memset(&r, 0, sizeof(r));
	r.payload = d;
	r.payload_size = data_size;
	if ((attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) != 0) {
		uint32_t dw;

		if (data_size < EFI_VARIABLE_AUTHENTICATION_2_CERT_DATA_OFFSET) {
			return EFI_SECURITY_VIOLATION;
		}
		dw = le32(d + offsetof(struct efi_variable_authentication_2, auth_info));
		if (dw > data_size - offsetof(struct efi_variable_authentication_2, auth_info) ||
		    dw < sizeof(struct win_certificate_uefi_guid)) {
			return EFI_SECURITY_VIOLATION;
		}
		r.payload_size = data_size - offsetof(struct efi_variable_authentication_2, auth_info) - dw;
	}
	if (r.payload_size > v->lim.max_var_size ||
	    r.payload_size + name_size > v->lim.max_var_size) {
		return EFI_INVALID_PARAMETER;
	}

	old = find(v, name, guid, &link);
	if (old != NULL) {
		if (v->at_runtime && (old->attributes & EFI_VARIABLE_RUNTIME_ACCESS) == 0) {
			return EFI_WRITE_PROTECTED;
		}
		if (attributes != 0 && stored_attr != old->attributes) {
			return EFI_INVALID_PARAMETER;
		}
	}

	/* Authentication (EDK2 AuthVariableLib ProcessVariable). */
	cls = var_class(name, guid);
	if (cls != CLASS_OTHER) {
		bool setup = v->mode.setup_mode == EFI_SETUP_MODE;

		if ((attributes & EFI_VARIABLE_NON_VOLATILE) == 0 ||
		    (attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) == 0) {
			return EFI_INVALID_PARAMETER;
		}
		if (setup && cls != CLASS_PK) {
			/* Setup mode: KEK and db writes need no signature, only the header. */
			struct efi_variable_authentication_2 a;

			memcpy(&a, d, sizeof(a));
			r.payload = d + data_size - r.payload_size;
			r.timed = true;
			r.ts = a.time_stamp;
		} else {
			enum auth_by by = cls == CLASS_DB ? BY_PK_OR_KEK : setup ? BY_PAYLOAD : BY_PK;

			st = verify_time_based(v, name, name_size, guid, attributes, d, data_size,
					       old, by, &r);
			if (st != EFI_SUCCESS) {
				return st;
			}
		}
		if (r.payload_size != 0 && !esl_valid(r.payload, r.payload_size, cls)) {
			return EFI_INVALID_PARAMETER;
		}
		was_pk_change = cls == CLASS_PK;
	} else if ((attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) != 0) {
		/* The UEFI namespaces hold no private authenticated variable (EDK2
		 * UefiVarCheckLib): a guest key must not claim BootOrder, Boot####, ... */
		if (guid_eq(guid, &global_guid) || guid_eq(guid, &image_db_guid)) {
			return EFI_INVALID_PARAMETER;
		}
		st = verify_time_based(v, name, name_size, guid, attributes, d, data_size, old,
				       BY_PRIV, &r);
		if (st != EFI_SUCCESS) {
			return st;
		}
	} else if (old != NULL &&
		   (old->attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) != 0) {
		return EFI_WRITE_PROTECTED; /* an authenticated variable needs an authenticated write */
	}

	/* The update (EDK2 UpdateVariable). */
	if (old != NULL) {
		if (v->at_runtime && (old->attributes & EFI_VARIABLE_NON_VOLATILE) == 0) {
			return EFI_WRITE_PROTECTED;
		}
		if ((!append && r.payload_size == 0) ||
		    (attributes & (EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_BOOTSERVICE_ACCESS)) == 0) {
			*link = old->next;
			v->used -= var_cost(old->name_size, old->data_size);
			if ((old->attributes & EFI_VARIABLE_NON_VOLATILE) != 0) {
				v->changes++;
			}
			var_free(old);
			if (was_pk_change) {
				update_mode(v);
			}
			return EFI_SUCCESS;
		}
		if (append && r.payload_size == 0) {
			return EFI_SUCCESS; /* nothing to append */
		}
		if (append) {
			if (cls != CLASS_OTHER) {
				merged = esl_merge(old->data, old->data_size, r.payload, r.payload_size,
						   &new_size);
				/* PK stays one list of one certificate: appending another is
				 * refused (the record parser and esl_first_cert() need it). */
				if (merged != NULL && cls == CLASS_PK &&
				    !esl_valid(merged, new_size, cls)) {
					free(merged);
					return EFI_INVALID_PARAMETER;
				}
			} else {
				new_size = old->data_size + r.payload_size;
				merged = malloc(new_size);
				if (merged != NULL) {
					memcpy(merged, old->data, old->data_size);
					memcpy(merged + old->data_size, r.payload, r.payload_size);
				}
			}
			if (merged == NULL) {
				return EFI_OUT_OF_RESOURCES;
			}
		} else {
			new_size = r.payload_size;
			if (!r.timed && new_size == old->data_size &&
			    memcmp(old->data, r.payload, new_size) == 0) {
				return EFI_SUCCESS; /* the same data: nothing changes */
			}
		}
		if (new_size + name_size > v->lim.max_var_size) {
			free(merged);
			return EFI_INVALID_PARAMETER;
		}
		old_cost = var_cost(old->name_size, old->data_size);
		new_cost = var_cost(name_size, new_size);
		if (v->used - old_cost + new_cost > v->lim.max_storage) {
			free(merged);
			return EFI_OUT_OF_RESOURCES;
		}
		if (merged == NULL) {
			merged = malloc(new_size ? new_size : 1);
			if (merged == NULL) {
				return EFI_OUT_OF_RESOURCES;
			}
			memcpy(merged, r.payload, new_size);
		}
		free(old->data);
		old->data = merged;
		old->data_size = new_size;
		if (r.timed && (!append || time_le(&old->time_stamp, &r.ts))) {
			old->time_stamp = r.ts;
		}
		if (r.has_signer && !old->has_signer) {
			old->has_signer = true;
			memcpy(old->signer_hash, r.signer_hash, 32);
		}
		v->used = v->used - old_cost + new_cost;
		if ((old->attributes & EFI_VARIABLE_NON_VOLATILE) != 0) {
			v->changes++;
		}
		if (was_pk_change) {
			update_mode(v);
		}
		return EFI_SUCCESS;
	}

	if (r.payload_size == 0 && append) {
		return EFI_SUCCESS;
	}
	if (r.payload_size == 0 ||
	    (attributes & (EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_BOOTSERVICE_ACCESS)) == 0) {
		return EFI_NOT_FOUND;
	}
	if (v->at_runtime && ((attributes & EFI_VARIABLE_RUNTIME_ACCESS) == 0 ||
			      (attributes & EFI_VARIABLE_NON_VOLATILE) == 0)) {
		return EFI_INVALID_PARAMETER;
	}
	new_cost = var_cost(name_size, r.payload_size);
	if (v->used + new_cost > v->lim.max_storage) {
		return EFI_OUT_OF_RESOURCES;
	}
	/* A store the record cannot hold would lose every variable at the next load. */
	if ((stored_attr & EFI_VARIABLE_NON_VOLATILE) != 0 && nv_count(v) >= REC_MAX_ENTRIES) {
		return EFI_OUT_OF_RESOURCES;
	}
	e = var_new(name, name_size, guid, stored_attr, r.payload, r.payload_size);
	if (e == NULL) {
		return EFI_OUT_OF_RESOURCES;
	}
	e->time_stamp = r.ts;
	e->has_signer = r.has_signer;
	memcpy(e->signer_hash, r.signer_hash, 32);
	list_append(v, e);
	v->used += new_cost;
	if ((stored_attr & EFI_VARIABLE_NON_VOLATILE) != 0) {
		v->changes++;
	}
	if (was_pk_change) {
		update_mode(v);
	}
	return EFI_SUCCESS;
}

/* ---- the record ---- */

/*
 * Record (docs/uefi-mm.md): a 32-byte header - magic "SVSMUEFV", version (u32), entry
 * count (u32), body bytes (u64), CRC-32 of the body (u32), zero (u32) - then per
 * non-volatile variable an 80-byte entry header - GUID, attributes, name size, data size,
 * flags (bit 0: signer hash valid), timestamp (16), signer hash (32) - the name, the data,
 * and zero padding to 8 bytes. All integers little-endian.
 */
#define REC_MAGIC       "SVSMUEFV"
#define REC_VERSION     1u
#define REC_HDR_SIZE    32u
#define REC_ENTRY_SIZE  80u
#define REC_FLAG_SIGNER 1u

static size_t pad8(size_t n)
{
	return (n + 7u) & ~(size_t)7u;
}

static bool persisted(const struct var *e)
{
	return !e->read_only && (e->attributes & EFI_VARIABLE_NON_VOLATILE) != 0;
}

enum svsm_err uefi_vars_serialize(const struct uefi_vars *v, void *buf, size_t *size)
{
	const struct var *e;
	size_t need = REC_HDR_SIZE, off;
	uint32_t count = 0, crc, zero = 0;
	uint64_t body;
	uint8_t *out = buf;

	for (e = v->head; e != NULL; e = e->next) {
		if (persisted(e)) {
			need += REC_ENTRY_SIZE + pad8(e->name_size + e->data_size);
			count++;
		}
	}
	if (buf == NULL) {
		*size = need;
		return SVSM_OK;
	}
	if (*size < need) {
		return SVSM_E_INVALID_PARAM;
	}
	memset(out, 0, need);
	off = REC_HDR_SIZE;
	for (e = v->head; e != NULL; e = e->next) {
		uint32_t ns = (uint32_t)e->name_size, ds = (uint32_t)e->data_size;
		uint32_t flags = e->has_signer ? REC_FLAG_SIGNER : 0;

		if (!persisted(e)) {
			continue;
		}
		memcpy(out + off, &e->guid, 16);
		memcpy(out + off + 16, &e->attributes, 4);
		memcpy(out + off + 20, &ns, 4);
		memcpy(out + off + 24, &ds, 4);
		memcpy(out + off + 28, &flags, 4);
		memcpy(out + off + 32, &e->time_stamp, 16);
		memcpy(out + off + 48, e->signer_hash, 32);
		memcpy(out + off + REC_ENTRY_SIZE, e->name, e->name_size);
		memcpy(out + off + REC_ENTRY_SIZE + e->name_size, e->data, e->data_size);
		off += REC_ENTRY_SIZE + pad8(e->name_size + e->data_size);
	}
	body = need - REC_HDR_SIZE;
	crc = crc32_update(0, out + REC_HDR_SIZE, body);
	memcpy(out, REC_MAGIC, 8);
	memcpy(out + 8, &(uint32_t){REC_VERSION}, 4);
	memcpy(out + 12, &count, 4);
	memcpy(out + 16, &body, 8);
	memcpy(out + 24, &crc, 4);
	memcpy(out + 28, &zero, 4);
	*size = need;
	return SVSM_OK;
}

static void list_free(struct var *e)
{
	while (e != NULL) {
		struct var *next = e->next;

		var_free(e);
		e = next;
	}
}

enum svsm_err uefi_vars_parse(struct uefi_vars *v, const void *buf, size_t size)
{
	const uint8_t *in = buf;
	struct var *parsed = NULL, **tail = &parsed, **pp, *e;
	uint32_t version, count, crc, reserved, i;
	uint64_t body, used = 0;
	size_t off;
	enum svsm_err err = SVSM_E_FORMAT;

	if (buf == NULL || size < REC_HDR_SIZE || memcmp(in, REC_MAGIC, 8) != 0) {
		return SVSM_E_FORMAT;
	}
	memcpy(&version, in + 8, 4);
	memcpy(&count, in + 12, 4);
	memcpy(&body, in + 16, 8);
	memcpy(&crc, in + 24, 4);
	memcpy(&reserved, in + 28, 4);
	if (version != REC_VERSION || reserved != 0 || count > REC_MAX_ENTRIES ||
	    body != size - REC_HDR_SIZE || crc32_update(0, in + REC_HDR_SIZE, body) != crc) {
		return SVSM_E_FORMAT;
	}
	off = REC_HDR_SIZE;
	for (i = 0; i < count; i++) {
		efi_guid_t guid;
		uint32_t attr, ns, ds, flags;
		size_t padded, k;
		uint16_t *name;
		struct var *d;

		if (size - off < REC_ENTRY_SIZE) {
			goto fail;
		}
		memcpy(&guid, in + off, 16);
		memcpy(&attr, in + off + 16, 4);
		memcpy(&ns, in + off + 20, 4);
		memcpy(&ds, in + off + 24, 4);
		memcpy(&flags, in + off + 28, 4);
		if ((attr & ~(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
			      EFI_VARIABLE_RUNTIME_ACCESS |
			      EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS)) != 0 ||
		    (attr & (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS)) !=
			    (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS) ||
		    (flags & ~REC_FLAG_SIGNER) != 0 ||
		    ((flags & REC_FLAG_SIGNER) != 0 &&
		     (attr & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) == 0) ||
		    ns < 4 || ns % 2 != 0 || ns > UEFI_VARS_MAX_NAME_SIZE || ds == 0 ||
		    (uint64_t)ns + ds > v->lim.max_var_size) {
			goto fail;
		}
		padded = pad8((size_t)ns + ds);
		if (size - off - REC_ENTRY_SIZE < padded) {
			goto fail;
		}
		for (k = REC_ENTRY_SIZE + ns + ds; k < REC_ENTRY_SIZE + padded; k++) {
			if (in[off + k] != 0) {
				goto fail;
			}
		}
		d = calloc(1, sizeof(*d));
		name = malloc(ns);
		if (d == NULL || name == NULL) {
			free(d);
			free(name);
			err = SVSM_E_NOMEM;
			goto fail;
		}
		memcpy(name, in + off + REC_ENTRY_SIZE, ns);
		d->name = name;
		d->name_size = ns;
		*tail = d;
		tail = &d->next;
		if (name_len(name, ns) != (long)(ns / 2 - 1) || is_mode_var(name, &guid)) {
			goto fail;
		}
		for (e = parsed; e != d; e = e->next) {
			if (guid_eq(&e->guid, &guid) && name_is_same(e->name, name)) {
				goto fail; /* a duplicate */
			}
		}
		d->data = malloc(ds);
		if (d->data == NULL) {
			err = SVSM_E_NOMEM;
			goto fail;
		}
		memcpy(d->data, in + off + REC_ENTRY_SIZE + ns, ds);
		d->data_size = ds;
		d->guid = guid;
		d->attributes = attr;
		d->has_signer = (flags & REC_FLAG_SIGNER) != 0;
		memcpy(&d->time_stamp, in + off + 32, 16);
		memcpy(d->signer_hash, in + off + 48, 32);
		if (var_class(name, &guid) != CLASS_OTHER &&
		    ((attr & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) == 0 ||
		     !esl_valid(d->data, ds, var_class(name, &guid)))) {
			goto fail;
		}
		used += var_cost(ns, ds);
		off += REC_ENTRY_SIZE + padded;
	}
	if (off != size) {
		goto fail;
	}
	/* The volatile variables stay and count too. */
	for (e = v->head; e != NULL; e = e->next) {
		if (!e->read_only && !persisted(e)) {
			used += var_cost(e->name_size, e->data_size);
		}
	}
	if (used > v->lim.max_storage) {
		goto fail;
	}
	/* Commit: drop the old non-volatile variables, insert the parsed ones after the mode
	 * variables (which lead the list), before the volatile ones. */
	pp = &v->head;
	while (*pp != NULL) {
		e = *pp;
		if (persisted(e)) {
			*pp = e->next;
			var_free(e);
		} else {
			pp = &e->next;
		}
	}
	pp = &v->head;
	while (*pp != NULL && (*pp)->read_only) {
		pp = &(*pp)->next;
	}
	*tail = *pp;
	*pp = parsed;
	v->used = used;
	update_mode(v);
	return SVSM_OK;
fail:
	list_free(parsed);
	return err;
}
