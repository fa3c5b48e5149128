// The provider as the engine runs it: serialized like pulumi.dynamic.Resource does, loaded in a
// fresh module by loadSerializedProvider, then run against real redis-server processes. It must
// behave exactly like the direct call, and its text must carry no secret.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ReplicationCheckOutputs, replicationCheckProvider } from "../../components/replicationCheck";
import { loadSerializedProvider, serializeProvider } from "../../harness/loadSerialized";
import { RedisFleet, inputsFor, requireRedisServer, startGroup, timed } from "../support/redisProcesses";

describe("ReplicationCheck provider, serialized and reloaded", function () {
    let fleet: RedisFleet;
    let text: string;
    let loaded: pulumi.dynamic.ResourceProvider;

    before(async function () {
        fleet = new RedisFleet(requireRedisServer(this));
        const sf = await serializeProvider(replicationCheckProvider);
        text = sf.text;
        assert.strictEqual(sf.containsSecrets, false, "the serialized provider captured a secret");
        loaded = await loadSerializedProvider(text);
    });
    afterEach(async () => {
        await fleet?.stopAll();
    });

    it("captures no module, client or password: it requires its modules itself", () => {
        assert.ok(!/s3cret|requirepass \S/.test(text));
        // Only these modules, each required inside a method, never a captured module object.
        const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        assert.deepStrictEqual([...new Set(required)].sort(), ["crypto", "ioredis", "net"]);
        assert.ok(!text.includes("@pulumi/pulumi"), "the provider text pulls in @pulumi/pulumi");
        assert.ok(!/exports\.(?!handler)/.test(text), "the provider text reaches into a module's exports");
        assert.deepStrictEqual(Object.keys(loaded).sort(), ["check", "create", "delete", "diff", "update"]);
    });

    it("passes on a live group, fails on a broken one with the same message as the direct call", async () => {
        const g = await startGroup(fleet, 2);
        assert.ok(!text.includes(g.password));
        const inputs = inputsFor(g, { timeoutMs: 2000 });

        const ok = await timed(() => loaded.create(inputs));
        console.log(`      serialized healthy check: ${ok.ms} ms`);
        assert.ifError(ok.error);
        const outs = ok.value!.outs as ReplicationCheckOutputs;
        assert.deepStrictEqual(
            outs.replicaStatus.map((r) => [r.name, r.linkStatus]),
            [
                ["redis-test-replica-1", "up"],
                ["redis-test-replica-2", "up"],
            ],
        );
        assert.ok(outs.replicaStatus.every((r) => r.offset > 0));

        // Same answers from check and diff.
        const bad = { ...inputs, replicas: [], timeoutMs: 0 };
        assert.deepStrictEqual(
            await loaded.check!({}, bad),
            await (replicationCheckProvider as pulumi.dynamic.ResourceProvider).check!({}, bad),
        );
        const moved = { ...inputs, masterEndpoint: "127.0.0.1:1" };
        assert.deepStrictEqual(await loaded.diff!("id", outs, moved), await replicationCheckProvider.diff!("id", outs, moved));
        assert.deepStrictEqual(await loaded.diff!("id", outs, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });

        // A wrong password: fails at once, same text.
        const wrong = { ...inputs, password: "wrong-password" };
        const [directPw, loadedPw] = [await timed(() => replicationCheckProvider.create(wrong)), await timed(() => loaded.create(wrong))];
        assert.ok(directPw.error && loadedPw.error);
        assert.match(loadedPw.error.message, /password mismatch \(WRONGPASS/);
        assert.strictEqual(loadedPw.error.message, directPw.error.message);

        // A stopped replica: fails at the timeout ("after 2s"), same text.
        await g.replicas[1]!.stop(true);
        const direct = await timed(() => replicationCheckProvider.create(inputs));
        const viaText = await timed(() => loaded.create(inputs));
        console.log(`      stopped replica, direct: ${direct.ms} ms, serialized: ${viaText.ms} ms`);
        assert.ok(direct.error && viaText.error, "a check passed with a stopped replica");
        assert.ok(viaText.error instanceof Error);
        assert.match(viaText.error.message, /^replica redis-test-replica-2 \(127\.0\.0\.1:\d+\): connection refused after 2s: /m);
        assert.strictEqual(viaText.error.message, direct.error.message);
    });
});
