// The live backend with several Docker engines in one program: a docker.Provider per host, and
// the docker resources registered with `{ provider }` live on that provider's engine. Without
// other hosts here, the providers' hosts are this very engine, named explicitly
// (unix:///var/run/docker.sock) or through a counting proxy socket that shows which client each
// Engine API call went through.
// Needs a Docker engine: in CI (CI=true) its absence fails the tier; elsewhere it skips.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type Docker from "dockerode";
import { dockerClient, TEST_LABEL } from "../../harness/docker";
import { ensureBaseImage } from "../../harness/image";
import {
    assertNothingLeft,
    clearStale,
    createLiveBackend,
    LiveBackend,
    requireDocker,
    teardownAndVerify,
    UpdateStep,
} from "../../harness/liveDocker";
import { promiseOf } from "../../harness/pulumi";

const LABEL = "lde-engines";
const PROVIDER = "pulumi:providers:docker";
const ENGINE_HOST = "unix:///var/run/docker.sock";
const SUBNET = "10.93.0.0/24";
const GATEWAY = "10.93.0.1";
const STATIC_IP = "10.93.0.10";

/** The steps as "op name", sorted. */
function ops(steps: UpdateStep[]): string[] {
    return steps.map((s) => `${s.op} ${s.name}`).sort();
}

/** A unix socket that forwards to `target` and records every Engine API call through it: method and path, without version and query. */
function countingProxy(socketPath: string, target: string): Promise<{ requests: string[]; close(): Promise<void> }> {
    const requests: string[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
        const upstream = net.connect(target);
        sockets.add(client).add(upstream);
        client.on("data", (chunk: Buffer) => {
            for (const m of chunk.toString("latin1").matchAll(/^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r$/gm)) {
                requests.push(`${m[1]} ${m[2]!.replace(/^\/v[0-9.]+\//, "/").replace(/\?.*$/, "")}`);
            }
            upstream.write(chunk);
        });
        upstream.pipe(client);
        const end = (): void => {
            client.destroy();
            upstream.destroy();
        };
        client.on("error", end).on("close", end);
        upstream.on("error", end).on("close", end);
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(socketPath, () =>
            resolve({
                requests,
                close: () =>
                    new Promise<void>((r) => {
                        for (const s of sockets) s.destroy();
                        server.close(() => r());
                    }),
            }),
        );
    });
}

/** The default engine's unix socket (DOCKER_HOST unix://, else /var/run/docker.sock), undefined when it is not on one. */
function defaultSocket(): string | undefined {
    const host = process.env.DOCKER_HOST;
    if (host !== undefined && host !== "") return host.startsWith("unix://") ? host.slice("unix://".length) : undefined;
    return fs.existsSync("/var/run/docker.sock") ? "/var/run/docker.sock" : undefined;
}

describe("docker tier: live backend, a docker.Provider per engine", function () {
    this.timeout(120_000);
    let backend: LiveBackend | undefined;
    let base = "";
    let runs = 0;
    let docker: typeof import("@pulumi/docker");

    function program() {
        const provider = new docker.Provider("lde-host", { host: ENGINE_HOST });
        const network = new docker.Network(
            "lde-net",
            { name: "lde-net", driver: "bridge", ipamConfigs: [{ subnet: SUBNET, gateway: GATEWAY }] },
            { provider },
        );
        const container = new docker.Container(
            "lde-redis",
            { name: "lde-redis", image: base, networksAdvanced: [{ name: network.name, ipv4Address: STATIC_IP }] },
            { provider },
        );
        const looked = network.name.apply((name) => docker.getNetwork({ name }, { provider }));
        return { provider, network, container, looked };
    }

    async function up() {
        if (runs++ > 0) backend!.beginUp();
        await pulumi.runtime.setMocks(backend!.mocks, "redis-replication", "lde-engines");
        const r = program();
        const ids = {
            provider: await promiseOf(r.provider.id),
            network: await promiseOf(r.network.id),
            container: await promiseOf(r.container.id),
        };
        const lookedUp = await promiseOf(r.looked);
        const steps = await backend!.endUp();
        return { steps, ids, lookedUp };
    }

    before(async function () {
        await requireDocker(this);
        await clearStale(LABEL);
        base = await ensureBaseImage();
        backend = createLiveBackend({ testLabel: LABEL });
        await pulumi.runtime.setMocks(backend.mocks, "redis-replication", "lde-engines");
        docker = await import("@pulumi/docker");
    });

    after(async function () {
        if (backend !== undefined) await teardownAndVerify(backend, LABEL);
    });

    let first: Awaited<ReturnType<typeof up>>;
    let providerEngine: Docker;

    it("first up: the provider's engine is a client of its own, and the network and container exist on it", async () => {
        first = await up();
        assert.deepEqual(ops(first.steps), ["create lde-host", "create lde-net", "create lde-redis"]);
        const engines = backend!.engines();
        assert.equal(engines.length, 2, "the default engine and the provider's");
        assert.equal(engines[0], dockerClient());
        providerEngine = engines[1]!;
        assert.notEqual(providerEngine, dockerClient());
        assert.equal((providerEngine.modem as { socketPath?: string }).socketPath, "/var/run/docker.sock");

        const netInfo = (await providerEngine.getNetwork("lde-net").inspect()) as Docker.NetworkInspectInfo;
        assert.equal(netInfo.Id, first.ids.network);
        assert.equal(netInfo.Labels?.[TEST_LABEL], LABEL);
        assert.equal(netInfo.IPAM?.Config?.[0]?.Subnet, SUBNET);
        const info = await providerEngine.getContainer("lde-redis").inspect();
        assert.equal(info.Id, first.ids.container);
        assert.equal(info.State.Running, true);
        assert.equal(info.Config.Labels[TEST_LABEL], LABEL);
        assert.equal(info.NetworkSettings.Networks["lde-net"]?.IPAddress, STATIC_IP);
        assert.deepEqual(Object.keys(info.NetworkSettings.Networks), ["lde-net"]);
        // The getNetwork invoke with { provider } answers from that engine.
        assert.equal(first.lookedUp.id, first.ids.network);
        assert.deepEqual(first.lookedUp.ipamConfigs[0]?.subnet, SUBNET);
        // A provider makes nothing physical: not among what was made.
        assert.ok(!backend!.created.some((c) => c.type === PROVIDER));
    });

    it("a second up of the same program: every step is same, and Docker is not touched", async () => {
        const before = await providerEngine.getContainer("lde-redis").inspect();
        const r = await up();
        assert.deepEqual(ops(r.steps), ["same lde-host", "same lde-net", "same lde-redis"]);
        assert.deepEqual(r.ids, first.ids);
        const after = await providerEngine.getContainer("lde-redis").inspect();
        assert.equal(after.State.StartedAt, before.State.StartedAt);
        assert.equal(backend!.engines().length, 2);
    });

    it("teardown removes everything, and nothing is left on any engine the program used", async () => {
        await backend!.teardown();
        await assertNothingLeft(LABEL, backend!.engines());
        await assert.rejects(providerEngine.getContainer("lde-redis").inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
    });
});

describe("docker tier: live backend, every Engine API call of a provider's resources goes to its host", function () {
    this.timeout(120_000);
    const label = `${LABEL}-proxy`;
    let backend: LiveBackend | undefined;
    let proxy: Awaited<ReturnType<typeof countingProxy>> | undefined;
    let dir = "";

    before(async function () {
        await requireDocker(this);
        const target = defaultSocket();
        if (target === undefined) {
            console.log("    skipped: the default engine is not on a unix socket");
            this.skip();
        }
        await clearStale(label);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lde-"));
        proxy = await countingProxy(path.join(dir, "docker.sock"), target!);
    });

    after(async function () {
        try {
            if (backend !== undefined) await teardownAndVerify(backend, label);
        } finally {
            await proxy?.close();
            if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("create, read-back and removal of a volume and a container all go through the provider's socket", async () => {
        const base = await ensureBaseImage();
        backend = createLiveBackend({ testLabel: label });
        await pulumi.runtime.setMocks(backend.mocks, "redis-replication", "lde-proxy");
        const docker = await import("@pulumi/docker");
        const provider = new docker.Provider("lde-proxied", { host: `unix://${path.join(dir, "docker.sock")}` });
        const volume = new docker.Volume("lde-proxy-data", { name: "lde-proxy-data" }, { provider });
        const container = new docker.Container(
            "lde-proxy-redis",
            { name: "lde-proxy-redis", image: base, volumes: [{ volumeName: volume.name, containerPath: "/data" }] },
            { provider },
        );
        const id = await promiseOf(container.id);
        await backend.endUp();
        const seen = proxy!.requests;
        for (const call of [
            "POST /volumes/create",
            `GET /images/${base}/json`,
            "POST /containers/create",
            `POST /containers/${id}/start`,
            `GET /containers/${id}/json`,
        ]) {
            assert.ok(seen.includes(call), `${call} went through the provider's socket; it saw: ${seen.join(", ")}`);
        }
        assert.equal(backend.engines().length, 2);

        await backend.teardown();
        for (const call of [`DELETE /containers/${id}`, "DELETE /volumes/lde-proxy-data"]) {
            assert.ok(seen.includes(call), `${call} went through the provider's socket; it saw: ${seen.join(", ")}`);
        }
        await assertNothingLeft(label, backend.engines());
    });
});

describe("docker tier: live backend, docker.Provider inputs and references", function () {
    const where = `live backend: ${PROVIDER}`;
    const newProvider = (backend: LiveBackend, name: string, inputs: Record<string, unknown>) =>
        backend.mocks.newResource({ type: PROVIDER, name, inputs, custom: true, provider: "", id: "" }) as Promise<{
            id?: string;
            state: Record<string, unknown>;
        }>;

    before(async function () {
        // Providers make nothing physical: no engine needed, only the mocks' stack name for URNs.
        await pulumi.runtime.setMocks(
            { newResource: async (a) => ({ id: a.name, state: a.inputs }), call: async (a) => a.inputs },
            "p",
            "s",
        );
    });

    it("an input it does not honour throws, naming it", async () => {
        const backend = createLiveBackend({ testLabel: `${LABEL}-unit` });
        await assert.rejects(
            newProvider(backend, "lde-bad", { host: ENGINE_HOST, caMaterial: "PEM" }),
            (err: Error) => err.message.includes(`${where} "lde-bad"`) && err.message.includes("input caMaterial is not supported"),
        );
        await assert.rejects(
            newProvider(backend, "lde-ftp", { host: "ftp://somewhere" }),
            (err: Error) => err.message.includes(`${where} "lde-ftp"`) && err.message.includes("input host is not usable"),
        );
        await assert.rejects(backend.endUp(), /2 failed step/);
    });

    it("host and sshOpts are accepted; a resource naming a provider the program did not register throws", async () => {
        const backend = createLiveBackend({ testLabel: `${LABEL}-unit` });
        const made = await newProvider(backend, "lde-ok", { host: ENGINE_HOST, sshOpts: JSON.stringify(["-o", "ConnectTimeout=5"]) });
        assert.match(made.id ?? "", /^[0-9a-f-]{36}$/);
        assert.equal(made.state.host, ENGINE_HOST);
        const ref = "urn:pulumi:s::p::pulumi:providers:docker::lde-nope::0000";
        await assert.rejects(
            Promise.resolve(
                backend.mocks.newResource({
                    type: "docker:index/volume:Volume",
                    name: "lde-v",
                    inputs: {},
                    custom: true,
                    provider: ref,
                    id: "",
                }),
            ),
            (err: Error) => err.message.includes(`provider ${ref} is not a ${PROVIDER} this program registered`),
        );
        await assert.rejects(backend.endUp(), /1 failed step/);
    });

    it("same inputs are same, an sshOpts change an update, and a host change throws", async () => {
        const backend = createLiveBackend({ testLabel: `${LABEL}-unit` });
        const first = await newProvider(backend, "lde-p", { host: ENGINE_HOST });
        assert.deepEqual(ops(await backend.endUp()), ["create lde-p"]);
        backend.beginUp();
        assert.equal((await newProvider(backend, "lde-p", { host: ENGINE_HOST })).id, first.id);
        assert.deepEqual(ops(await backend.endUp()), ["same lde-p"]);
        backend.beginUp();
        await newProvider(backend, "lde-p", { host: ENGINE_HOST, sshOpts: '["-v"]' });
        assert.deepEqual(ops(await backend.endUp()), ["update lde-p"]);
        backend.beginUp();
        await assert.rejects(
            newProvider(backend, "lde-p", { host: "unix:///run/rrg/h2/docker.sock" }),
            /changing a provider's host is not supported/,
        );
        await assert.rejects(backend.endUp(), /1 failed step/);
        assert.equal(backend.engines().length, 2, "the default engine and the first host's client");
    });
});
