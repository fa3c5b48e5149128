// The teardown's stop on the engine: a node that refuses SIGTERM while it writes its first AOF (a
// replica right after its first sync does) still shuts down cleanly instead of being killed.
// Needs a Docker engine: in CI (CI=true) its absence fails the tier; elsewhere it skips.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { tearDownHost } from "../../components/hosts/teardown";
import { dockerClient, removeIfPresent, TEST_LABEL } from "../../harness/docker";
import { ensureBaseImage } from "../../harness/image";
import { requireDocker } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { withClient } from "../../harness/redisClient";

const GROUP = "rr-teardown-aof";
const PORT = 7991;

describe("teardown of a node writing its first AOF", function () {
    this.timeout(120_000);
    let dir = "";

    before(async function () {
        await requireDocker(this);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rr-teardown-"));
        await removeIfPresent(dockerClient().getContainer(GROUP).remove({ force: true }));
    });
    after(async () => {
        await removeIfPresent(dockerClient().getContainer(GROUP).remove({ force: true }));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("sends SIGTERM again once the rewrite is done: the node logs the refusal, then exits cleanly", async () => {
        const docker = dockerClient();
        const container = await docker.createContainer({
            name: GROUP,
            Image: await ensureBaseImage(),
            // The log goes to the bind-mounted directory, so it outlives the container.
            Cmd: [
                "redis-server",
                "--port",
                "6379",
                "--protected-mode",
                "no",
                "--appendonly",
                "yes",
                "--dir",
                "/data",
                "--logfile",
                "/data/redis.log",
            ],
            Labels: { [TEST_LABEL]: "teardown", "redis-replication.group": GROUP },
            HostConfig: {
                Binds: [`${dir}:/data`],
                PortBindings: { "6379/tcp": [{ HostIp: "127.0.0.1", HostPort: String(PORT) }] },
                RestartPolicy: { Name: "unless-stopped" },
            },
            ExposedPorts: { "6379/tcp": {} },
        });
        await container.start();
        const info = await pollUntil("the node answers", 20_000, () => withClient(PORT, undefined, (c) => c.info("persistence")));
        assert.match(info, /^aof_enabled:1\r?$/m);
        // A rewrite of about 5 s (1 ms a key), started the way a replica starts its first one:
        // appendonly turned on leaves Redis waiting for the rewrite to write the first AOF.
        await withClient(PORT, undefined, async (c) => {
            const pipeline = c.pipeline();
            for (let i = 0; i < 5000; i++) pipeline.set(`k:${i}`, String(i));
            await pipeline.exec();
            await c.call("CONFIG", "SET", "rdb-key-save-delay", "1000");
            await c.call("CONFIG", "SET", "appendonly", "no");
            await c.call("CONFIG", "SET", "appendonly", "yes");
            assert.match(await c.info("persistence"), /^aof_rewrite_in_progress:1\r?$/m);
        });

        const removed = await tearDownHost({ group: GROUP, host: "", retainVolumes: true, lost: false, graceSeconds: 15 });

        assert.strictEqual(removed.containers, 1);
        const log = fs.readFileSync(path.join(dir, "redis.log"), "utf8");
        const refused = log.indexOf("Writing initial AOF, can't exit.");
        const bye = log.indexOf("Redis is now ready to exit, bye bye...");
        assert.ok(refused >= 0, `the node refused the first SIGTERM:\n${log}`);
        assert.ok(bye > refused, `the node shut down cleanly after the refusal, not killed:\n${log}`);
        assert.match(
            log.slice(refused),
            /Background AOF rewrite (finished|terminated with success)/,
            "the rewrite was finished, not killed",
        );
    });
});
