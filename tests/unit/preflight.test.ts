// The preflight's findings, from a plan's targets and made-up Docker facts: a port published by
// another container, a subnet overlap, a name taken, an existing network missing or lacking an
// IP, a late password, an image neither on the engine nor in its registry; the group's own
// objects never count. And its provider, serialized as the engine keeps it, requires only what
// it uses, inside its methods.
import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import * as pulumi from "@pulumi/pulumi";
import { preflightProvider } from "../../components/preflight";
import { imageFacts } from "../../components/preflight/facts";
import type { DockerFacts, PreflightInputs } from "../../components/preflight";
import {
    imageProblems,
    nameProblems,
    networkProblems,
    passwordFailures,
    portProblems,
    tlsFailures,
} from "../../components/preflight/problems";
import { splitArgs } from "../../components/spec";
import { preflightTargets } from "../../components/targets";
import { parseGroupConfig } from "../../config";
import { serializeProvider } from "../../harness/loadSerialized";
import { TestCa } from "../../harness/tlsCerts";
import { BAD_INPUT } from "../support/badInput";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";

const inputs: PreflightInputs = {
    group: "g",
    auth: true,
    password: "good-Passw0rd",
    hostIp: "127.0.0.1",
    hostPorts: [
        { path: "master.hostPort", value: 6380 },
        { path: "replicas[0].hostPort", value: 6381 },
    ],
    ips: [
        { path: "master.ip", value: "10.89.0.2" },
        { path: "replicas[0].ip", value: "10.89.0.3" },
    ],
    subnet: "10.89.0.0/24",
    names: { containers: ["g-master", "g-replica-1"], networks: ["g-net"], volumes: ["g-master-data"] },
};
const empty: DockerFacts = { published: [], networks: [], containers: [], volumes: [], local: true };

describe("preflight findings", () => {
    it("names a host port another container publishes, but not one of the group's own", () => {
        const facts = {
            ...empty,
            published: [
                { port: 6380, ip: "0.0.0.0", container: "other" },
                { port: 6381, ip: "127.0.0.1", container: "g-replica-1", group: "g" },
            ],
        };
        assert.deepStrictEqual(
            portProblems(inputs, facts).map((p) => `${p.propertyPath}: ${p.reason}`),
            [BAD_INPUT.publishedPort.error],
        );
        assert.deepStrictEqual(
            portProblems(inputs, { ...empty, published: [{ port: 6380, ip: "10.0.0.9", container: "other" }] }),
            [],
            "another address",
        );
    });

    it("names an overlapping network and its subnet, but not the group's own network", () => {
        const facts = {
            ...empty,
            networks: [
                { name: "g-net", subnets: ["10.89.0.0/24"], group: "g" },
                { name: "wide", subnets: ["10.0.0.0/8"] },
                { name: "apart", subnets: ["10.90.0.0/24"] },
            ],
        };
        assert.deepStrictEqual(networkProblems(inputs, facts), [
            { propertyPath: "network.subnet", reason: '10.89.0.0/24 overlaps Docker network "wide" (10.0.0.0/8)' },
        ]);
    });

    it("names an existing network that is missing, or whose subnet lacks a node's IP", () => {
        const joining = { ...inputs, subnet: undefined, existingNetwork: "shared" };
        assert.deepStrictEqual(
            networkProblems(joining, empty).map((p) => `${p.propertyPath}: ${p.reason}`),
            [BAD_INPUT.missingNetwork.error],
        );
        const facts = { ...empty, networks: [{ name: "shared", subnets: ["10.89.0.2/32"] }] };
        assert.deepStrictEqual(networkProblems(joining, facts), [
            { propertyPath: "replicas[0].ip", reason: '10.89.0.3 is not in network "shared" (10.89.0.2/32)' },
        ]);
    });

    it("names a container, network or volume name something else has, with its group label", () => {
        const facts = {
            ...empty,
            containers: [{ name: "g-master" }, { name: "g-replica-1", group: "g" }],
            networks: [{ name: "g-net", subnets: [], group: "other" }],
            volumes: [{ name: "g-master-data", group: "g" }],
        };
        assert.deepStrictEqual(
            nameProblems(inputs, facts).map((p) => p.reason),
            [
                `container "g-master" already exists and is not this group's (its label redis-replication.group is unset)`,
                `network "g-net" already exists and is not this group's (its label redis-replication.group is "other")`,
            ],
        );
    });

    it("names image.name and metrics.image when the engine lacks them and their registry does not give them", () => {
        const refused = "manifest unknown";
        const both = { ...inputs, image: "acme/redis:1", exporterImage: "acme/exporter:1" };
        assert.deepStrictEqual(
            imageProblems(both, [
                { image: "acme/redis:1", local: false, refused },
                { image: "acme/exporter:1", local: false, refused },
            ]).map((p) => `${p.propertyPath}: ${p.reason}`),
            [
                BAD_INPUT.missingImage.error,
                'metrics.image: "acme/exporter:1" is not on the Docker engine, and its registry does not give it (manifest unknown): docker load or docker pull it there first',
            ],
        );
        assert.deepStrictEqual(
            imageProblems({ ...both, host: "b" }, [{ image: "acme/redis:1", local: false, refused }]).map((p) => p.reason),
            [
                '"acme/redis:1" is not on host "b", and its registry does not give it (manifest unknown): docker load or docker pull it there first',
            ],
            "with several hosts, the host whose engine lacks it",
        );
        // The Docker provider pulls an image that is not local when it creates the container.
        const fine = [
            { image: "acme/redis:1", local: true },
            { image: "acme/exporter:1", local: false },
        ];
        assert.deepStrictEqual(imageProblems(both, fine), [], "on the engine, or given by its registry");
        assert.deepStrictEqual(imageProblems(inputs, []), [], "neither given");
    });

    it("asks the engine for each image, and its registry (without pulling) for one the engine lacks", async () => {
        // A stand-in Docker engine: one image local, one its registry gives, one it refuses.
        const asked: string[] = [];
        const server = http.createServer((req, res) => {
            const url = decodeURIComponent(req.url ?? "");
            asked.push(`${req.method} ${url.replace(/^\/v[\d.]+/, "")}`);
            const reply = (code: number, body: object) =>
                res.writeHead(code, { "Content-Type": "application/json" }).end(JSON.stringify(body));
            if (url.includes("/images/acme/local:1/json")) return reply(200, { Id: "sha256:1" });
            if (url.includes("/images/")) return reply(404, { message: "No such image" });
            if (url.includes("/distribution/acme/pullable:1/json")) return reply(200, { Descriptor: {}, Platforms: [] });
            return reply(401, {
                message: "errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required\n",
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const docker = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
            assert.deepStrictEqual(await imageFacts({ ...inputs, docker, image: "acme/local:1", exporterImage: "acme/pullable:1" }), [
                { image: "acme/local:1", local: true },
                { image: "acme/pullable:1", local: false, refused: undefined },
            ]);
            assert.deepStrictEqual(await imageFacts({ ...inputs, docker, image: "acme/missing:1", exporterImage: "acme/missing:1" }), [
                {
                    image: "acme/missing:1",
                    local: false,
                    refused: "errors: denied: requested access to the resource is denied unauthorized: authentication required",
                },
            ]);
            assert.ok(
                asked.every((a) => a.startsWith("GET ")),
                `only looks, pulls nothing: ${asked.join(", ")}`,
            );
            assert.deepStrictEqual(await imageFacts({ ...inputs, docker }), [], "no image to ask about");
        } finally {
            server.close();
        }
    });

    it("is given image.name on each engine that runs a node, with the host's name; not a name known only at deployment", () => {
        const spec = { ...ONE_MASTER_TWO_REPLICAS, image: { name: "acme/redis:1" } };
        assert.strictEqual(preflightTargets(parseGroupConfig(spec), undefined).image, "acme/redis:1");
        assert.strictEqual(preflightTargets(parseGroupConfig(ONE_MASTER_TWO_REPLICAS), undefined).image, undefined, "built");
        const late = splitArgs({ ...ONE_MASTER_TWO_REPLICAS, image: { name: pulumi.output("acme/redis:2") } }).spec;
        assert.strictEqual(preflightTargets(parseGroupConfig(late), undefined).image, undefined);
        const hosts = { a: { address: "10.231.0.11" }, b: { address: "10.231.0.12" } };
        const plan = parseGroupConfig({ name: "mh", hosts, image: { name: "acme/redis:1" } });
        for (const host of plan.hosts!) {
            const targets = preflightTargets(plan, undefined, host);
            assert.deepStrictEqual([targets.host, targets.image], [host.name, "acme/redis:1"]);
        }
    });

    it("checks a password known only now, and none when auth is off", () => {
        assert.deepStrictEqual(
            passwordFailures({ ...inputs, password: "bad\nPassw0rd-123" }).map((p) => `${p.propertyPath}: ${p.reason}`),
            [BAD_INPUT.outputPassword.error],
        );
        assert.deepStrictEqual(passwordFailures({ ...inputs, auth: false, password: undefined }), []);
    });

    it("checks TLS PEMs known only now, as the constructor checks known ones, and never keeps them", async () => {
        const ca = new TestCa();
        const other = new TestCa("another CA");
        const node = other.issue({ commonName: "n", ips: ["127.0.0.1"] });
        const tls = { pem: { ca: ca.cert, ...node }, names: ["127.0.0.1"] };
        assert.deepStrictEqual(tlsFailures({ ...inputs, tls }), [
            { propertyPath: "tls.cert", reason: "is not signed by tls.ca (redis-replication test CA)" },
        ]);
        assert.deepStrictEqual(tlsFailures({ ...inputs, tls: { ...tls, pem: { ...tls.pem, ca: other.cert } } }), []);
        const { outs } = await preflightProvider.create({ ...inputs, tls });
        assert.strictEqual((outs as Record<string, unknown>).tls, undefined);
    });

    it("serializes requiring only crypto, dockerode, net and node-forge, inside its methods, and never the password", async () => {
        const sf = await serializeProvider(preflightProvider as never);
        const required = [...new Set([...sf.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
        assert.deepStrictEqual(required, ["crypto", "dockerode", "net", "node-forge"]);
        assert.ok(!/exports\.(?!handler)/.test(sf.text), "no provider text reaches into a module's exports");
        const { outs } = await preflightProvider.create(inputs);
        assert.strictEqual((outs as Record<string, unknown>).password, undefined);
    });
});
