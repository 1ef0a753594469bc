#!/usr/bin/python3
# A test key broker for the test suite only (not shipped as a server): it speaks the
# endpoints and JSON of Trustee's KBS (protocol 0.4.0; docs/attestation.md) with the
# `sample` verifier, a small resource policy (deny, rollback, nonce replay) and fault
# injection. The JWE replies are made with python3-jwcrypto, a JWE implementation
# independent of the SVSM's. Listens on 127.0.0.1 only. Python standard library +
# jwcrypto; run with Debian's /usr/bin/python3 (where python3-jwcrypto is installed).
import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import sys
import threading

from jwcrypto import jwe, jwk

RESOURCE_PREFIX = "/kbs/v0/resource/"
MAX_BODY = 64 * 1024


def jcs(obj):
    # RFC 8785 for the values used here (strings, integers, objects): sorted keys, no spaces.
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def binding(obj):
    return hashlib.sha384(jcs(obj)).digest() + bytes(16)


class Refused(Exception):
    pass


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.sessions = {}        # cookie -> dict(nonce, tee, attested, pubkey, generation)
        self.used_nonces = set()  # nonces of successful attestations (replay/clone)
        self.secret = bytes.fromhex(args.secret_hex) if args.secret_hex else secrets.token_bytes(32)

    def log(self, msg):
        print("kbs: " + msg, file=sys.stderr, flush=True)

    def generations(self):
        f = self.args.min_generation_file
        if not f or not os.path.exists(f):
            return {}
        with open(f) as fh:
            return json.load(fh)

    def save_generations(self, gens):
        tmp = self.args.min_generation_file + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(gens, fh)
        os.replace(tmp, self.args.min_generation_file)


def check_pubkey(pk):
    if not isinstance(pk, dict) or pk.get("kty") != "EC" or pk.get("crv") != "P-256" \
            or pk.get("alg") != "ECDH-ES+A256KW":
        raise Refused("tee-pubkey is not an EC P-256 ECDH-ES+A256KW key")
    jwk.JWK(kty="EC", crv="P-256", x=pk["x"], y=pk["y"])  # raises for a point off the curve


def verify_sample(evidence, expected):
    if not isinstance(evidence, dict) or not isinstance(evidence.get("svn"), str):
        raise Refused("sample evidence without svn")
    try:
        rd = base64.b64decode(evidence.get("report_data", ""), validate=True)
    except Exception:
        raise Refused("sample report_data is not base64")
    if rd != expected:
        raise Refused("REPORT_DATA is different from the binding of nonce and tee-pubkey")
    return evidence["svn"]


def make_jwe(st, pubkey):
    key = jwk.JWK(kty="EC", crv="P-256", x=pubkey["x"], y=pubkey["y"])
    alg = "ECDH-ES+A128KW" if st.args.wrong_alg else "ECDH-ES+A256KW"
    token = jwe.JWE(st.secret, protected=json.dumps({"alg": alg, "enc": "A256GCM"}))
    token.add_recipient(key)
    # The compact form puts epk into the protected header (as Trustee does); send it as
    # flattened JSON like Trustee's Response.
    p = token.serialize(compact=True).split(".")
    reply = {"protected": p[0], "encrypted_key": p[1], "iv": p[2], "ciphertext": p[3], "tag": p[4]}
    if st.args.bad_tag:
        tag = bytearray(base64.urlsafe_b64decode(p[4] + "=="))
        tag[0] ^= 1
        reply["tag"] = base64.urlsafe_b64encode(bytes(tag)).decode().rstrip("=")
    return reply


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        self.server.st.log(fmt % a)

    def reply(self, status, obj, cookie=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if cookie:
            self.send_header("Set-Cookie", "kbs-session-id=%s; Path=/kbs/v0" % cookie)
        self.end_headers()
        self.wfile.write(body)

    def cookie(self):
        for part in self.headers.get("Cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == "kbs-session-id":
                return v
        return None

    def body(self):
        n = int(self.headers.get("Content-Length", "0"))
        if n < 0 or n > MAX_BODY:
            raise Refused("body too large")
        data = self.rfile.read(n)
        try:
            return json.loads(data)
        except ValueError:
            raise Refused("body is not JSON")

    def do_POST(self):
        st = self.server.st
        try:
            if self.path == "/kbs/v0/auth":
                req = self.body()
                if not isinstance(req, dict) or req.get("version") != "0.4.0":
                    raise Refused("KBS Client Protocol Version Mismatch: expect =0.4.0")
                if req.get("tee") != "sample":
                    raise Refused("tee %r not accepted (sample verifier only)" % req.get("tee"))
                nonce = base64.b64encode(secrets.token_bytes(32)).decode()
                cookie = secrets.token_hex(16)
                with st.lock:
                    st.sessions[cookie] = {"nonce": nonce, "tee": "sample", "attested": False}
                self.reply(200, {"nonce": nonce, "extra-params": ""}, cookie)
            elif self.path == "/kbs/v0/attest":
                self.attest(st)
            else:
                self.reply(404, {"type": "NotFound", "detail": self.path})
        except Refused as e:
            st.log("refused: %s" % e)
            self.reply(401, {"type": "Unauthorized", "detail": str(e)})

    def attest(self, st):
        cookie = self.cookie()
        with st.lock:
            sess = st.sessions.get(cookie)
        if sess is None:
            raise Refused("cookie not found")
        att = self.body()
        rt = att.get("runtime-data") if isinstance(att, dict) else None
        ev = att.get("tee-evidence") if isinstance(att, dict) else None
        if not isinstance(rt, dict) or not isinstance(ev, dict):
            raise Refused("malformed Attestation")
        if rt.get("nonce") != sess["nonce"]:
            raise Refused("the nonce in the session differs from the Attestation's")
        pk = rt.get("tee-pubkey")
        check_pubkey(pk)
        add = ev.get("additional_evidence", "")
        if not isinstance(add, str):
            raise Refused("additional_evidence is not a string")
        verify_sample(ev.get("primary_evidence"),
                      binding({"additional-evidence": add, "nonce": sess["nonce"], "tee-pubkey": pk}))
        generation = None
        if add:
            extra = json.loads(add)
            if not isinstance(extra, dict):
                raise Refused("additional_evidence is not a TEE map")
            if "sample" in extra:
                svn = verify_sample(extra["sample"], binding({"nonce": sess["nonce"], "tee-pubkey": pk}))
                if not svn.isdigit():
                    raise Refused("generation is not a number")
                generation = int(svn)
        with st.lock:
            # Replay/clone: one successful attestation per nonce, ever.
            if sess["nonce"] in st.used_nonces:
                raise Refused("nonce already attested (replay)")
            st.used_nonces.add(sess["nonce"])
            sess.update(attested=True, pubkey=pk, generation=generation)
        st.log("attested session, generation %s" % generation)
        claims = base64.urlsafe_b64encode(jcs({"tee": "sample", "generation": generation})).decode().rstrip("=")
        self.reply(200, {"token": "eyJhbGciOiJub25lIn0.%s." % claims}, cookie)

    def do_GET(self):
        st = self.server.st
        try:
            if not self.path.startswith(RESOURCE_PREFIX) or self.path.count("/") != 6:
                self.reply(404, {"type": "NotFound", "detail": self.path})
                return
            with st.lock:
                sess = st.sessions.get(self.cookie())
            if sess is None or not sess["attested"]:
                raise Refused("The session is not authorized")
            if st.args.deny:
                raise Refused("resource policy denies %s" % self.path)
            client = self.path[len(RESOURCE_PREFIX):]
            if st.args.min_generation_file:
                with st.lock:
                    gens = st.generations()
                    gen = sess["generation"]
                    if gen is None:
                        raise Refused("no state generation presented")
                    if gen < gens.get(client, 0):
                        raise Refused("rollback: generation %d older than %d" % (gen, gens[client]))
                    gens[client] = gen
                    st.save_generations(gens)
            if st.args.replay_from and os.path.exists(st.args.replay_from):
                with open(st.args.replay_from) as fh:
                    reply = json.load(fh)
            else:
                reply = make_jwe(st, sess["pubkey"])
                if st.args.replay_from:
                    with open(st.args.replay_from, "w") as fh:
                        json.dump(reply, fh)
            self.reply(200, reply)
        except Refused as e:
            st.log("refused: %s" % e)
            self.reply(401, {"type": "Unauthorized", "detail": str(e)})


def main():
    ap = argparse.ArgumentParser(description="Test KBS (Trustee protocol 0.4.0, sample verifier) "
                                 "for the SVSM test suite; listens on 127.0.0.1.")
    ap.add_argument("--port", type=int, default=0, help="TCP port (0: any free port, printed)")
    ap.add_argument("--port-file", help="also write the chosen port to this file")
    ap.add_argument("--secret-hex", help="the resource's value in hex (default: 32 random bytes)")
    ap.add_argument("--deny", action="store_true", help="the resource policy refuses (401)")
    ap.add_argument("--min-generation-file", metavar="FILE",
                    help="remember the highest state generation per resource in FILE and "
                    "refuse an older one (rollback)")
    ap.add_argument("--wrong-alg", action="store_true", help="fault: JWE with ECDH-ES+A128KW")
    ap.add_argument("--bad-tag", action="store_true", help="fault: flip a bit of the GCM tag")
    ap.add_argument("--replay-from", metavar="FILE",
                    help="fault: serve the JWE saved in FILE (saved there when FILE is absent)")
    args = ap.parse_args()
    st = State(args)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.st = st
    port = srv.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as fh:
            fh.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    print("kbs listening on 127.0.0.1:%d" % port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
