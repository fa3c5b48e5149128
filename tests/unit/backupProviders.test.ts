// The backup and restore providers as the engine stores them: serialized, each requires its own
// modules and captures none, and what decides an update is the inputs that matter.
import * as assert from "assert";
import type * as pulumi from "@pulumi/pulumi";
import { backupDirProvider, finalBackupProvider, rolloutBackupProvider } from "../../components/backup/provider";
import { restoreSeedProvider } from "../../components/restore/provider";
import { loadSerializedProvider, serializeProvider } from "../../harness/loadSerialized";

const PROVIDERS: [string, pulumi.dynamic.ResourceProvider, string[]][] = [
    ["BackupDir", backupDirProvider as pulumi.dynamic.ResourceProvider, ["crypto", "dockerode"]],
    ["RolloutBackup", rolloutBackupProvider as pulumi.dynamic.ResourceProvider, ["crypto", "dockerode", "stream"]],
    ["FinalBackup", finalBackupProvider as pulumi.dynamic.ResourceProvider, ["crypto", "dockerode", "stream"]],
    ["RestoreSeed", restoreSeedProvider as pulumi.dynamic.ResourceProvider, ["crypto", "dockerode", "fs", "tar-stream"]],
];

describe("backup and restore providers, serialized", function () {
    this.timeout(60_000);
    for (const [name, provider, modules] of PROVIDERS) {
        it(`${name}: requires ${modules.join(", ")} inside its methods, captures no module, and loads`, async () => {
            const { text, containsSecrets } = await serializeProvider(provider);
            assert.strictEqual(containsSecrets, false);
            const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
            assert.deepStrictEqual(required, modules);
            assert.ok(!text.includes("@pulumi/pulumi"), "the provider text pulls in @pulumi/pulumi");
            assert.ok(!/exports\.(?!handler)/.test(text), "the provider text reaches into a module's exports");
            const loaded = await loadSerializedProvider(text);
            assert.deepStrictEqual(Object.keys(loaded).sort(), Object.keys(provider).sort());
        });
    }

    it("a rollout backup runs only when the master's fingerprint changed; a restore changes only with restoreFrom as written", async () => {
        const run = { docker: undefined, container: "g-backup" };
        assert.deepStrictEqual(await rolloutBackupProvider.diff!("id", { ...run, fingerprint: "a" }, { ...run, fingerprint: "b" }), {
            changes: true,
        });
        assert.deepStrictEqual(await rolloutBackupProvider.diff!("id", { ...run, fingerprint: "a" }, { ...run, fingerprint: "a" }), {
            changes: false,
        });
        const same = await rolloutBackupProvider.update!(
            "id",
            { ...run, fingerprint: "a", lastBackup: "x.rdb" },
            { ...run, fingerprint: "a" },
        );
        assert.deepStrictEqual(same.outs, { ...run, fingerprint: "a", lastBackup: "x.rdb" }, "no backup without a new fingerprint");
        const seed = {
            image: "i",
            target: { volume: "v" },
            layout: { appendonly: true, dbfilename: "d", appenddirname: "a", appendfilename: "f" },
            labels: {},
        };
        const olds = {
            ...seed,
            file: "/b/1.rdb",
            spec: '{"dir":"/b","latest":true}',
            restored: { file: "/b/1.rdb", keys: 1, expires: 0, alreadyExpired: 0 },
        };
        assert.deepStrictEqual(await restoreSeedProvider.diff!("id", olds, { ...seed, file: "/b/2.rdb", spec: olds.spec }), {
            changes: false,
        });
        assert.deepStrictEqual(await restoreSeedProvider.diff!("id", olds, { ...seed, file: "/c.rdb", spec: '{"file":"/c.rdb"}' }), {
            changes: true,
        });
    });
});
