// Certificates the tests and the bench make for themselves: a CA, and certificates it signs for
// the names and IPs a group's clients connect to. Keys from Node's crypto (fast, native), the
// X.509 structure from node-forge. Nothing is ever written to the repository.
import * as crypto from "crypto";
import forge from "node-forge";

/** A PEM certificate and its PEM key. */
export interface CertAndKey {
    cert: string;
    key: string;
}

/** What a certificate is for. */
export interface CertOptions {
    commonName: string;
    /** IP addresses it names (subjectAltName). */
    ips?: string[];
    /** DNS names it names (subjectAltName). */
    dns?: string[];
    /** Valid from now for this many days; negative for one that has expired. Default 1. */
    days?: number;
}

function rsaKeys(): { pub: forge.pki.rsa.PublicKey; priv: forge.pki.rsa.PrivateKey; pem: string } {
    const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    return {
        pub: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()) as forge.pki.rsa.PublicKey,
        priv: forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey,
        pem,
    };
}

function certificate(subject: string, pub: forge.pki.rsa.PublicKey, days: number): forge.pki.Certificate {
    const cert = forge.pki.createCertificate();
    cert.publicKey = pub;
    cert.serialNumber = crypto
        .randomBytes(8)
        .toString("hex")
        .replace(/^[89a-f]/, "1");
    const now = Date.now();
    cert.validity.notBefore = new Date(days >= 0 ? now - 60_000 : now + days * 86_400_000 - 86_400_000);
    cert.validity.notAfter = new Date(now + days * 86_400_000);
    cert.setSubject([{ name: "commonName", value: subject }]);
    return cert;
}

/** A CA that signs what `issue` makes. */
export class TestCa {
    readonly cert: string;
    private readonly forgeCert: forge.pki.Certificate;
    private readonly priv: forge.pki.rsa.PrivateKey;

    constructor(commonName = "redis-replication test CA") {
        const keys = rsaKeys();
        const cert = certificate(commonName, keys.pub, 1);
        cert.setIssuer(cert.subject.attributes);
        cert.setExtensions([
            { name: "basicConstraints", cA: true },
            { name: "keyUsage", keyCertSign: true, cRLSign: true },
        ]);
        cert.sign(keys.priv, forge.md.sha256.create());
        this.forgeCert = cert;
        this.priv = keys.priv;
        this.cert = forge.pki.certificateToPem(cert);
    }

    /** A certificate this CA signs, for servers and clients alike (Redis nodes are both). */
    issue(opts: CertOptions): CertAndKey {
        const keys = rsaKeys();
        const cert = certificate(opts.commonName, keys.pub, opts.days ?? 1);
        cert.setIssuer(this.forgeCert.subject.attributes);
        cert.setExtensions([
            { name: "basicConstraints", cA: false },
            { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
            { name: "extKeyUsage", serverAuth: true, clientAuth: true },
            {
                name: "subjectAltName",
                altNames: [...(opts.ips ?? []).map((ip) => ({ type: 7, ip })), ...(opts.dns ?? []).map((value) => ({ type: 2, value }))],
            },
        ]);
        cert.sign(this.priv, forge.md.sha256.create());
        return { cert: forge.pki.certificateToPem(cert), key: keys.pem };
    }
}
