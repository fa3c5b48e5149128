// TLS for the group: its shape in the settings, and the checks of its certificate that can be
// made before anything exists (the key matches the certificate, the CA signed it, it is valid now
// and names what clients connect to). The PEMs may be known only at deployment; then the
// preflight runs the same checks, so tlsProblems requires node-forge inside itself.
import { describe } from "./errors";
import { isAbsent, Reader } from "./reader";

/** TLS settings with defaults applied; the PEMs themselves are secrets, apart from the plan. */
export interface TlsPlan {
    /** tls-auth-clients: clients must present a certificate signed by the CA. */
    authClients: boolean;
    /** tls-replication: replicas (and sentinels) log in over TLS; false: replicas in plaintext, on the plaintext port. */
    replication: boolean;
    /** The nodes also listen in plaintext on the group's network (PLAINTEXT_PORT, not published). */
    plaintextPort: boolean;
    /** The name clients check the certificate against; undefined: the address they connect to. */
    serverName?: string;
}

/** One problem, named by its property path. */
export interface TlsProblem {
    propertyPath: string;
    reason: string;
}

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;

/** `tls`, when given: ca, cert and key (PEM strings, or outputs), authClients, replication, plaintextPort, serverName. */
export function readTls(r: Reader, value: unknown, withSentinel: boolean): TlsPlan | undefined {
    const tls = r.object(value, "tls", ["ca", "cert", "key", "authClients", "replication", "plaintextPort", "serverName"]);
    if (!tls) return undefined;
    for (const key of ["ca", "cert", "key"] as const) {
        const pem = tls[key];
        if (isAbsent(pem)) r.fail(`tls.${key}`, "is required (PEM)");
        else if (typeof pem === "string" && !/-----BEGIN [A-Z ]+-----/.test(pem))
            r.fail(`tls.${key}`, `is not PEM, got ${describe(pem.slice(0, 20))}`);
    }
    const serverName = r.string(tls.serverName, "tls.serverName");
    if (serverName !== undefined && !DNS_NAME.test(serverName)) r.fail("tls.serverName", `"${serverName}" is not a DNS name`);
    const replication = r.boolean(tls.replication, "tls.replication") ?? true;
    if (!replication && withSentinel) {
        r.fail(
            "tls.replication",
            "false can't go with sentinel: Sentinel points replicas at the port it monitors, the TLS one; keep it true",
        );
    }
    return {
        authClients: r.boolean(tls.authClients, "tls.authClients") ?? false,
        replication,
        plaintextPort: r.boolean(tls.plaintextPort, "tls.plaintextPort") ?? false,
        serverName,
    };
}

/**
 * What is wrong with the group's certificate, key and CA: unparsable, a key that is not the
 * certificate's, a certificate the CA did not sign, not valid at `now`, or not naming each of
 * `names` (IPs or DNS names). [] when nothing is.
 */
export function tlsProblems(pem: { ca: string; cert: string; key: string }, names: string[], now: Date = new Date()): TlsProblem[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const forge = require("node-forge") as typeof import("node-forge");
    const out: TlsProblem[] = [];
    const parse = <T>(path: string, what: string, f: () => T): T | undefined => {
        try {
            return f();
        } catch (err) {
            out.push({ propertyPath: path, reason: `is not a PEM ${what} node-forge can read (${(err as Error).message})` });
            return undefined;
        }
    };
    const ca = parse("tls.ca", "certificate", () => forge.pki.certificateFromPem(pem.ca));
    const cert = parse("tls.cert", "certificate", () => forge.pki.certificateFromPem(pem.cert));
    const key = parse("tls.key", "RSA private key", () => forge.pki.privateKeyFromPem(pem.key));
    if (!cert) return out;
    const certKey = cert.publicKey as import("node-forge").pki.rsa.PublicKey;
    if (key && !(key.n.equals(certKey.n) && key.e.equals(certKey.e)))
        out.push({ propertyPath: "tls.key", reason: "is not the key of tls.cert" });
    let signed = false;
    try {
        signed = ca !== undefined && ca.verify(cert);
    } catch {
        signed = false;
    }
    if (ca && !signed)
        out.push({ propertyPath: "tls.cert", reason: `is not signed by tls.ca (${ca.subject.getField("CN")?.value ?? "no CN"})` });
    if (now < cert.validity.notBefore || now > cert.validity.notAfter) {
        const from = cert.validity.notBefore.toISOString();
        out.push({ propertyPath: "tls.cert", reason: `is valid from ${from} to ${cert.validity.notAfter.toISOString()}, not now` });
    }
    const alt =
        (cert.getExtension("subjectAltName") as { altNames?: { type: number; value?: string; ip?: string }[] } | null)?.altNames ?? [];
    const ips = alt.filter((a) => a.type === 7).map((a) => a.ip!);
    const dns = alt.filter((a) => a.type === 2).map((a) => a.value!.toLowerCase());
    const covers = (name: string) =>
        /^\d+\.\d+\.\d+\.\d+$/.test(name)
            ? ips.includes(name)
            : dns.some(
                  (d) =>
                      d === name.toLowerCase() ||
                      (d.startsWith("*.") && name.toLowerCase().endsWith(d.slice(1)) && !name.slice(0, -d.length + 1).includes(".")),
              );
    for (const name of names.filter((n) => !covers(n))) {
        out.push({
            propertyPath: "tls.cert",
            reason: `does not name ${name}, which clients connect to (it names ${[...ips, ...dns].join(", ") || "nothing"})`,
        });
    }
    return out;
}
