// examples/app on the real engine: the program runs as written (its config set as the CLI sets
// it), and its two app containers reach the group through nothing but its `connection` output:
// the writer's INCRs land on the master, the reader's GETs come back from a replica.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { containerLog } from "../../harness/docker";
import { ensureBaseImage, removeTestImages } from "../../harness/image";
import { requireDocker } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import { withClient } from "../../harness/redisClient";
import { abandonScenario, finishScenario, inspect, Scenario, startScenario } from "../support/scenario";

const LABEL = "scn-app";
const PROJECT = "redis-app";
const PASSWORD = "app-Example-Passw0rd";
const MASTER_PORT = 7950;

describe("examples/app: an app container on the group's network, through the connection output", function () {
    let s: Scenario | undefined;
    let program: typeof import("../../examples/app");

    before(async function () {
        await requireDocker(this);
        const base = await ensureBaseImage();
        s = await startScenario("examples/app", { testLabel: LABEL, stack: "app", project: PROJECT });
        pulumi.runtime.setAllConfig(
            {
                [`${PROJECT}:password`]: PASSWORD,
                [`${PROJECT}:subnet`]: "10.95.0.0/24",
                [`${PROJECT}:masterHostPort`]: String(MASTER_PORT),
                // No registry here: docker/Dockerfile builds on the test base.
                [`${PROJECT}:baseImage`]: base,
            },
            [`${PROJECT}:password`],
        );
        program = await import("../../examples/app");
        await promiseOf(program.replication);
    });
    after(async () => {
        await abandonScenario(s, LABEL);
        await removeTestImages(LABEL);
    });

    it("runs both app containers on the group's network, the password only in their environment", async () => {
        for (const name of [await promiseOf(program.writerContainer), await promiseOf(program.readerContainer)]) {
            const info = await inspect(name);
            assert.equal(info.State.Running, true, name);
            assert.deepEqual(Object.keys(info.NetworkSettings.Networks), ["app-redis-net"], name);
            assert.ok(!info.Config.Cmd?.join(" ").includes(PASSWORD), `${name}'s command holds the password`);
            assert.ok(info.Config.Env?.includes(`REDISCLI_AUTH=${PASSWORD}`), `${name} has no REDISCLI_AUTH`);
        }
    });

    it("writes through the master: the writer's counter grows there and reaches the replica", async () => {
        const first = await pollUntil("the writer's first INCR on the master", 30_000, () =>
            withClient(MASTER_PORT, PASSWORD, async (m) => Number(await m.get(program.counterKey)) || false),
        );
        await pollUntil("the counter to grow on the master", 30_000, () =>
            withClient(MASTER_PORT, PASSWORD, async (m) => Number(await m.get(program.counterKey)) > first),
        );
        const onReplica = await withClient(MASTER_PORT + 1, PASSWORD, (r) => r.get(program.counterKey));
        assert.ok(Number(onReplica) >= first, `the replica has ${onReplica}, the master had ${first}`);
    });

    it("reads through a replica: the reader prints the growing counter", async () => {
        const reader = await promiseOf(program.readerContainer);
        const seen = await pollUntil("the reader to print two different counts", 30_000, async () => {
            const counts = new Set((await containerLog(reader, 200)).split(/\s+/).filter((w) => /^[1-9][0-9]*$/.test(w)));
            return counts.size >= 2 ? counts : false;
        });
        assert.ok(seen.size >= 2);
    });

    it("tears down with nothing left behind", () => finishScenario(s, LABEL));
});
