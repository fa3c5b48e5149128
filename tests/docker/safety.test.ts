// Bad or dangerous input on the real engine: what only the deployment can check fails the `up`
// before anything exists (a password given as an Output, a taken host port, an overlapping
// subnet, a taken container name), each error naming its property path; a master without
// persistence is not restarted into its replicas; and the URL outputs work with redis-cli and
// ioredis alike.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as net from "net";
import * as pulumi from "@pulumi/pulumi";
import Redis from "ioredis";
import { dockerClient, TEST_LABEL } from "../../harness/docker";
import { listLeftovers } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import { withClient } from "../../harness/redisClient";
import { BAD_INPUT } from "../support/badInput";
import { PASSWORD, scenario, ScenarioFamily, writeAcknowledged } from "../support/updateScenario";

const SAFE: ScenarioFamily = { prefix: "safe", portBase: 7800, subnetOctet: 96 };

/**
 * Runs a failing up; returns its error's message and how many distinct errors went unhandled
 * meanwhile. The SDK rejects every dependent of a failed resource with the very same error, and
 * Pulumi's program runner reports each error once (by identity), so that is what counts.
 */
async function failingUp(run: () => Promise<unknown>): Promise<{ message: string; unhandled: number }> {
    const reasons = new Set<unknown>();
    const count = (reason: unknown): void => void reasons.add(reason);
    process.on("unhandledRejection", count);
    try {
        await run();
    } catch (err) {
        await new Promise((r) => setImmediate(r));
        reasons.delete(err);
        return { message: (err as Error).message, unhandled: reasons.size };
    } finally {
        process.off("unhandledRejection", count);
    }
    throw new Error("the up succeeded");
}

describe("safety 1: a bad password given as an Output fails the up with password: ..., and nothing is created", function () {
    this.timeout(120_000);
    const s = scenario(1, SAFE);
    before(async function () {
        await s.start(this);
    });
    after(async () => s.destroy());

    it("fails naming password, with no Docker object before or after, and no unhandled rejection", async () => {
        assert.deepStrictEqual(await listLeftovers("safe-1"), []);
        const { message, unhandled } = await failingUp(() => s.up(s.args({ password: pulumi.secret("bad\nPassw0rd-123") })));
        console.log(`      error: ${message.split("\n").slice(-2).join(" | ")}`);
        assert.ok(message.endsWith(`invalid replication group configuration (1 problem):\n  ${BAD_INPUT.outputPassword.error}`), message);
        assert.strictEqual(unhandled, 0, "no error but the one the up failed with");
        assert.deepStrictEqual(await listLeftovers("safe-1"), []);
    });
});

/** Listens on 127.0.0.1:port until close() is called: a program that is no container. */
function listen(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

describe("safety 2-4: what the Docker engine already has fails the up, naming the property, with nothing created", function () {
    this.timeout(120_000);
    const s = scenario(2, SAFE);
    const docker = dockerClient();
    const label = { [TEST_LABEL]: "safe-2" };
    before(async function () {
        await s.start(this);
    });
    after(async () => s.destroy());

    it("a host port another program listens on: master.hostPort", async () => {
        const server = await listen(s.masterPort);
        try {
            const { message } = await failingUp(() => s.up(s.args()));
            console.log(`      error: ${message.split("\n").slice(-1)[0]}`);
            assert.ok(message.endsWith(`\n  ${BAD_INPUT.listenedPort.error}`), message);
        } finally {
            server.close();
        }
        assert.deepStrictEqual(await listLeftovers("safe-2"), []);
    });

    it("a subnet that overlaps an existing network: network.subnet, naming that network and its subnet", async () => {
        const other = await docker.createNetwork({
            Name: "rr-safe-2-other",
            Labels: label,
            IPAM: { Config: [{ Subnet: "10.96.2.128/25" }] },
        });
        try {
            const { message } = await failingUp(() => s.up(s.args()));
            console.log(`      error: ${message.split("\n").slice(-1)[0]}`);
            assert.ok(message.endsWith(`\n  ${BAD_INPUT.overlappingSubnet.error}`), message);
            assert.deepStrictEqual(await listLeftovers("safe-2"), ["network rr-safe-2-other"], "nothing but the test's own network");
        } finally {
            await other.remove();
        }
    });

    it("a container name another container has: name, and every problem at once", async () => {
        const squatter = await docker.createContainer({ name: "rr-safe-2-master", Image: s.base, Labels: label });
        const server = await listen(s.masterPort + 1);
        try {
            const { message } = await failingUp(() => s.up(s.args()));
            console.log(`      error: ${message.split("\n").slice(-3).join(" | ")}`);
            assert.ok(
                message.endsWith(
                    `(2 problems):\n  replicas[0].hostPort: port 7821 on 127.0.0.1 is already in use by another program\n  ${BAD_INPUT.takenName.error}`,
                ),
                message,
            );
        } finally {
            server.close();
            await squatter.remove({ force: true });
        }
        assert.deepStrictEqual(await listLeftovers("safe-2"), []);
    });
});

describe("safety 5: without persistence, a crashed master is not restarted empty into its replicas", function () {
    this.timeout(180_000);
    const s = scenario(5, SAFE);
    after(async () => s.destroy());

    it("kills the master's redis-server after 1000 acknowledged keys: the master stays down, no replica loses a key", async function () {
        const keys = await s.deployWithKeys(this, { persistence: { appendonly: false, save: [] } });
        const more = await writeAcknowledged(s.masterPort, "crash", 500);
        const master = dockerClient().getContainer("rr-safe-5-master");
        const info = await master.inspect();
        assert.strictEqual(info.HostConfig.RestartPolicy?.Name, "no", "the master gets no automatic restart");
        const replica = await dockerClient().getContainer("rr-safe-5-replica-1").inspect();
        assert.strictEqual(replica.HostConfig.RestartPolicy?.Name, "unless-stopped");
        // A crash, not a stop: Docker's restart policy would restart it (a docker kill counts as a stop).
        process.kill(info.State.Pid, "SIGKILL");
        await pollUntil("the master's container exited", 30_000, async () => (await master.inspect()).State.Status === "exited");
        for (const port of [s.masterPort + 1, s.masterPort + 2]) {
            const size = await withClient(port, PASSWORD, (c) => c.dbsize());
            assert.strictEqual(size, keys.length + more.length, `the replica on ${port} keeps every key`);
        }
        assert.strictEqual((await master.inspect()).State.Status, "exited", "still down: nothing restarted it");
    });
});

describe("safety 6: the URL outputs work with redis-cli and ioredis", function () {
    this.timeout(120_000);
    const s = scenario(6, SAFE);
    after(async () => s.destroy());

    it("connects through masterUrl and every replicaUrl with both", async function () {
        await s.start(this);
        const { group } = await s.up(s.args());
        const urls = [await promiseOf(group.masterUrl), ...(await promiseOf(group.replicaUrls))];
        assert.ok(urls.every((u) => u.startsWith("redis://default:")));
        for (const url of urls) {
            const cli = execFileSync("redis-cli", ["-u", url, "--no-auth-warning", "ping"], { encoding: "utf8", timeout: 10_000 }).trim();
            assert.strictEqual(cli, "PONG", `redis-cli through ${url.replace(PASSWORD, "<password>")}`);
            const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
            try {
                await client.connect();
                assert.strictEqual(await client.ping(), "PONG");
            } finally {
                client.disconnect();
            }
        }
    });
});
