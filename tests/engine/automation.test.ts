// The real engine path: `pulumi up` and `pulumi destroy` of this program through the
// Automation API, with a local file backend, on the project's own CLI (the `pulumi`
// devDependency's). It runs where that CLI can be downloaded and a Docker engine answers;
// elsewhere it skips and says why.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT } from "../../harness/docker";
import { projectPulumi } from "../../harness/pulumiCli";
import { PROJECT, readStackConfig } from "../support/stackConfig";

/** The project's CLI, or why the tier can't run. */
async function engine(): Promise<{ command: PulumiCommand } | { whyNot: string }> {
    try {
        execFileSync("docker", ["info"], { stdio: "ignore" });
    } catch {
        return { whyNot: "no Docker engine answers `docker info`" };
    }
    return projectPulumi();
}

describe("engine: pulumi up / destroy through the Automation API", function () {
    let pulumiCommand: PulumiCommand | undefined;
    let stack: Stack | undefined;
    let stateDir = "";

    before(async function () {
        const found = await engine();
        if ("whyNot" in found) {
            console.log(`    engine tier skipped: ${found.whyNot}`);
            this.skip();
        }
        pulumiCommand = found.command;
    });

    after(async () => {
        if (stack) await stack.destroy({ onOutput: () => undefined }).catch(() => undefined);
        if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("deploys the dev stack, changes nothing on a second up, replaces every node on a cpus change, then destroys it", async () => {
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-replication-state-"));
        const envVars = { PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase" };
        stack = await LocalWorkspace.createOrSelectStack({ stackName: "enginetest", workDir: REPO_ROOT }, { envVars, pulumiCommand });
        for (const [key, value] of Object.entries(readStackConfig("dev"))) await stack.setConfig(key, { value });
        await stack.setConfig(`${PROJECT}:password`, { value: "engine-test-Passw0rd", secret: true });

        const up = await stack.up({ onOutput: (out) => process.stdout.write(out) });
        assert.strictEqual(up.summary.result, "succeeded");
        const replication = up.outputs.replication?.value as { replicas: { linkStatus: string }[]; durationMs: number };
        assert.deepStrictEqual(
            replication.replicas.map((r) => r.linkStatus),
            ["up", "up"],
        );
        assert.ok(replication.durationMs > 0);
        assert.strictEqual(up.outputs.masterUrl?.secret, true);

        // A second up with no change changes nothing.
        const noop = await stack.preview({ onOutput: () => undefined });
        assert.deepStrictEqual(
            Object.keys(noop.changeSummary).filter((op) => op !== "same"),
            [],
            `a no-op plans only "same": ${JSON.stringify(noop.changeSummary)}`,
        );
        // A change that replaces every node: replaced one at a time, the check passing after.
        const group = { ...(JSON.parse(readStackConfig("dev")[`${PROJECT}:group`] ?? "{}") as object), resources: { cpus: 1 } };
        await stack.setConfig(`${PROJECT}:group`, { value: JSON.stringify(group) });
        const changed = await stack.up({ onOutput: (out) => process.stdout.write(out) });
        assert.strictEqual(changed.summary.result, "succeeded");
        assert.strictEqual(changed.summary.resourceChanges?.replace, 3, "master and two replicas replaced");
        const after = changed.outputs.replication?.value as { replicas: { linkStatus: string }[] };
        assert.deepStrictEqual(
            after.replicas.map((r) => r.linkStatus),
            ["up", "up"],
        );

        const destroy = await stack.destroy({ onOutput: (out) => process.stdout.write(out) });
        assert.strictEqual(destroy.summary.result, "succeeded");
        await stack.workspace.removeStack("enginetest");
        stack = undefined;
    });
});
