// One group on three Docker hosts (harness/hosts: a network namespace and a dockerd each, joined
// by a bridge): a 1+2 group with 3 sentinels, one of each per host. The check passes through the
// hosts' addresses; a Sentinel client reads and writes with no natMap; the master's whole host
// (its engine) is stopped under a writer: a replica on another host is promoted and no write
// acknowledged by WAIT is lost; the host comes back and its old master rejoins as a replica; the
// next `up` names the new master's host, with no data lost; the teardown leaves nothing on any host.
// Subnet 10.94.0.0/24 on each host; host ports 7301-7303 and 27301-27303 on the hosts' addresses.
import { strict as assert } from "assert";
import Redis from "ioredis";
import type { RedisReplicationGroupArgs, SentinelClientRecipe } from "../../components";
import { reportedMaster } from "../../harness/failover";
import { GroupStack, UpResult } from "../../harness/groupStack";
import {
    copyImageToHosts,
    removeSimHosts,
    SimHost,
    simHostClient,
    simHostsAnswer,
    startEngine,
    startSimHosts,
    stopEngine,
} from "../../harness/hosts";
import { ensureBaseImage } from "../../harness/image";
import { requireDocker } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import { countMissing, parseInfo, withEndpoint } from "../../harness/redisClient";
import { AckedWriter } from "../../harness/writer";
import { PROJECT } from "../support/stackConfig";

const TEST_VALUE = "multihost";
const GROUP = "rr-mh";
const PASSWORD = "multihost-docker-Passw0rd";
const MASTER_PORT = 7301;

const withNode = <T>(endpoint: string, fn: (c: Redis) => Promise<T>): Promise<T> => withEndpoint(endpoint, PASSWORD, fn);

async function replicationInfo(endpoint: string): Promise<Record<string, string>> {
    return withNode(endpoint, async (c) => parseInfo(await c.info("replication")));
}

function groupArgs(hosts: SimHost[], baseImage: string): RedisReplicationGroupArgs {
    return {
        name: GROUP,
        hosts: Object.fromEntries(hosts.map((h) => [h.name, { address: h.address, dockerHost: h.dockerHost }])),
        network: { subnet: "10.94.0.0/24" },
        master: { hostPort: MASTER_PORT },
        replicaCount: 2,
        password: PASSWORD,
        image: { baseImage },
        // A crash failover within seconds: a test takes the master's host away.
        sentinel: { downAfterMilliseconds: 1000 },
        // The check runs on every up: after a failover it must name the master of now.
        verify: "always",
    };
}

describe("docker tier: one group on three Docker hosts", function () {
    this.timeout(600_000);
    let hosts: SimHost[] = [];
    let stack: GroupStack | undefined;
    let first: UpResult;
    let recipe: SentinelClientRecipe;
    /** The writes acknowledged across the host's loss. */
    let acked: string[] = [];
    /** Whether the hosts ran before this file (.ci/run starts them); if not, it removes them. */
    let hostsFound = true;
    /** host name -> its address. */
    const addressOf = (name: string) => hosts.find((h) => h.name === name)!.address;

    before(async function () {
        await requireDocker(this);
        // .ci/run starts them; started (and removed) here when a developer runs the file alone.
        hostsFound = await simHostsAnswer();
        hosts = (await startSimHosts()).slice(0, 3); // the group's three; the fourth stays idle
        const baseImage = await ensureBaseImage();
        await copyImageToHosts(baseImage, hosts);
        stack = await GroupStack.start(TEST_VALUE, PROJECT, "multihost");
        first = await stack.up(GROUP, groupArgs(hosts, baseImage));
        recipe = (await promiseOf(first.group.sentinelClient))!;
    });

    after(async function () {
        try {
            // The stopped engine comes back first: its objects must go too.
            for (const h of hosts) await startEngine(h);
            await stack?.destroy();
        } finally {
            if (!hostsFound) await removeSimHosts();
        }
    });

    it("places one data node and one sentinel on each host, and the check passes through the hosts' addresses", async () => {
        assert.equal(first.replication.masterHost, "h1");
        assert.equal(first.replication.masterEndpoint, `${addressOf("h1")}:${MASTER_PORT}`);
        for (const [i, h] of hosts.entries()) {
            const names = (
                await simHostClient(h).listContainers({ filters: JSON.stringify({ label: [`redis-replication.group=${GROUP}`] }) })
            )
                .map((c) => c.Names[0]!.replace(/^\//, ""))
                .sort();
            const data = i === 0 ? `${GROUP}-master` : `${GROUP}-replica-${i}`;
            assert.deepEqual(names, [data, `${GROUP}-sentinel-${i + 1}`].sort(), `containers on ${h.name}`);
        }
        // What the master lists is what each replica announces: its host's address and published port.
        const info = await replicationInfo(`${addressOf("h1")}:${MASTER_PORT}`);
        const listed = [info.slave0, info.slave1].map((s) => /ip=([\d.]+),port=(\d+)/.exec(s!)!.slice(1).join(":")).sort();
        assert.deepEqual(listed, [`${addressOf("h2")}:${MASTER_PORT + 1}`, `${addressOf("h3")}:${MASTER_PORT + 2}`]);
        for (const s of recipe.sentinels) {
            assert.equal(await reportedMaster(recipe, s, PASSWORD), `${addressOf("h1")}:${MASTER_PORT}`, `sentinel ${s.host}:${s.port}`);
        }
        const connection = await promiseOf(first.group.connection);
        assert.equal(`${connection.master.host}:${connection.master.port}`, `${addressOf("h1")}:${MASTER_PORT}`);
    });

    it("serves a Sentinel client with no natMap: every announced address is reachable", async () => {
        assert.deepEqual(recipe.natMap, {});
        const client = new Redis({
            sentinels: recipe.sentinels,
            name: recipe.name,
            password: PASSWORD,
            sentinelPassword: PASSWORD,
            lazyConnect: true,
            connectTimeout: 2000,
            commandTimeout: 3000,
            maxRetriesPerRequest: 1,
        });
        client.on("error", () => undefined);
        try {
            await client.connect();
            await client.set("mh:hello", "across hosts");
            assert.equal(await client.get("mh:hello"), "across hosts");
            assert.ok(Number(await client.call("WAIT", "2", "5000")) >= 2, "both replicas, on other hosts, acknowledged");
        } finally {
            client.disconnect();
        }
        for (const h of ["h2", "h3"]) {
            const port = MASTER_PORT + (h === "h2" ? 1 : 2);
            assert.equal(await withNode(`${addressOf(h)}:${port}`, (c) => c.get("mh:hello")), "across hosts", `replica on ${h}`);
        }
    });

    it("loses the master's host under a writer: a replica on another host takes over, and no acknowledged write is lost", async () => {
        const writer = await AckedWriter.start(recipe, PASSWORD);
        try {
            await writer.until("20 acknowledged writes before the loss", 30_000, () => writer.acked.length >= 20);
            await stopEngine(hosts[0]!);
            writer.stoppedAt = performance.now();
            const survivor = recipe.sentinels[1]!;
            const promoted = await pollUntil("a master on another host", 60_000, async () => {
                const m = await reportedMaster(recipe, survivor, PASSWORD);
                return m.startsWith(`${addressOf("h1")}:`) ? undefined : m;
            });
            assert.ok([`${addressOf("h2")}:${MASTER_PORT + 1}`, `${addressOf("h3")}:${MASTER_PORT + 2}`].includes(promoted), promoted);
            await writer.until("20 writes acknowledged under the new master", 60_000, () => writer.ackedAfterStop >= 20);
            await writer.stop();
            acked = writer.acked;
            const lost = await withNode(promoted, (c) => countMissing(c, writer.acked));
            assert.equal(lost, 0, `of ${writer.acked.length} acknowledged writes, ${lost} are not on the new master`);
        } finally {
            await writer.stop();
        }
    });

    it("gets the host back: its old master rejoins as a replica, and the next up names the new master's host", async () => {
        await startEngine(hosts[0]!);
        const master = await reportedMaster(recipe, recipe.sentinels[1]!, PASSWORD);
        await pollUntil("the old master, a linked replica of the new one", 90_000, async () => {
            const info = await replicationInfo(`${addressOf("h1")}:${MASTER_PORT}`);
            return info.role === "slave" && `${info.master_host}:${info.master_port}` === master && info.master_link_status === "up";
        });
        const next = await stack!.up(GROUP, groupArgs(hosts, await ensureBaseImage()));
        const replaced = next.steps.filter((s) => s.op === "replace" || s.op === "delete" || s.op === "create");
        assert.deepEqual(
            replaced.map((s) => `${s.op} ${s.name}`),
            [],
            "nothing replaced, made or deleted",
        );
        const newHost = hosts.find((h) => master.startsWith(`${h.address}:`))!.name;
        assert.equal(next.replication.masterHost, newHost);
        assert.equal(next.replication.masterEndpoint, master);
        // No data lost: every write acknowledged across the loss is on the new master and on the rejoined old one.
        for (const endpoint of [master, `${addressOf("h1")}:${MASTER_PORT}`]) {
            assert.equal(await withNode(endpoint, (c) => countMissing(c, acked)), 0, `acknowledged writes missing on ${endpoint}`);
        }
    });

    it("destroys the group, leaving nothing on any host", async () => {
        await stack!.destroy();
        for (const h of hosts) {
            const filters = JSON.stringify({ label: [`redis-replication.group=${GROUP}`] });
            const engine = simHostClient(h);
            const [containers, networks, volumes] = await Promise.all([
                engine.listContainers({ all: true, filters }),
                engine.listNetworks({ filters }),
                engine.listVolumes({ filters }),
            ]);
            assert.deepEqual([containers.length, networks.length, volumes.Volumes?.length ?? 0], [0, 0, 0], `left on ${h.name}`);
        }
    });
});
