// The group's certificate checked before anything exists: certificates made here, never committed.
import * as assert from "assert";
import { tlsProblems } from "../../../config/tls";
import { parseGroupConfig } from "../../../config";
import { TestCa } from "../../../harness/tlsCerts";

describe("TLS settings and certificate checks", function () {
    // Five RSA keys: a few hundred ms.
    this.timeout(20_000);
    const ca = new TestCa();
    const other = new TestCa("another CA");
    const good = ca.issue({ commonName: "redis", ips: ["127.0.0.1", "10.89.0.2"], dns: ["*.redis.example"] });
    const pem = { ca: ca.cert, ...good };

    it("finds nothing wrong with a certificate the CA signed, valid now, naming what clients connect to", () => {
        assert.deepStrictEqual(tlsProblems(pem, ["127.0.0.1", "cache.redis.example"]), []);
    });

    it("names the property: a key that is not the certificate's, a certificate another CA signed, unparsable PEM", () => {
        assert.deepStrictEqual(tlsProblems({ ...pem, key: ca.issue({ commonName: "x" }).key }, ["127.0.0.1"]), [
            { propertyPath: "tls.key", reason: "is not the key of tls.cert" },
        ]);
        assert.deepStrictEqual(tlsProblems({ ...pem, ca: other.cert }, ["127.0.0.1"]), [
            { propertyPath: "tls.cert", reason: "is not signed by tls.ca (another CA)" },
        ]);
        const garbled = tlsProblems({ ...pem, cert: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n" }, []);
        assert.deepStrictEqual(
            garbled.map((p) => p.propertyPath),
            ["tls.cert"],
        );
        assert.match(garbled[0]!.reason, /^is not a PEM certificate node-forge can read/);
    });

    it("refuses a certificate that does not name what clients connect to, or is not valid now", () => {
        assert.deepStrictEqual(tlsProblems(pem, ["192.168.7.7", "a.b.redis.example"]), [
            {
                propertyPath: "tls.cert",
                reason: "does not name 192.168.7.7, which clients connect to (it names 127.0.0.1, 10.89.0.2, *.redis.example)",
            },
            {
                propertyPath: "tls.cert",
                reason: "does not name a.b.redis.example, which clients connect to (it names 127.0.0.1, 10.89.0.2, *.redis.example)",
            },
        ]);
        const expired = ca.issue({ commonName: "old", ips: ["127.0.0.1"], days: -1 });
        const problems = tlsProblems({ ca: ca.cert, ...expired }, ["127.0.0.1"]);
        assert.deepStrictEqual(
            problems.map((p) => p.propertyPath),
            ["tls.cert"],
        );
        assert.match(problems[0]!.reason, /^is valid from .* to .*, not now$/);
    });

    it("refuses plaintext replication with sentinel: Sentinel points replicas at the TLS port", () => {
        assert.throws(
            () => parseGroupConfig({ tls: { ...pem, replication: false }, sentinel: {} }),
            /tls\.replication: false can't go with sentinel/,
        );
    });

    it("reads tls with its defaults, and names a missing or non-PEM part", () => {
        assert.deepStrictEqual(parseGroupConfig({ tls: pem }).tls, {
            authClients: false,
            replication: true,
            plaintextPort: false,
            serverName: undefined,
        });
        assert.deepStrictEqual(
            parseGroupConfig({
                tls: { ...pem, authClients: true, replication: false, plaintextPort: true, serverName: "cache.redis.example" },
            }).tls,
            { authClients: true, replication: false, plaintextPort: true, serverName: "cache.redis.example" },
        );
        assert.strictEqual(parseGroupConfig({}).tls, undefined);
        assert.throws(
            () => parseGroupConfig({ tls: { ca: ca.cert, cert: "cert.pem" } }),
            (err: Error) => {
                assert.match(err.message, /tls\.cert: is not PEM/);
                assert.match(err.message, /tls\.key: is required \(PEM\)/);
                return true;
            },
        );
    });
});
