// The live backend's runs without Docker: deletedWith and retainOnDelete in the post-steps and the
// teardown, aliases taking over old resources, and the guard against calls to a lost engine. The
// objects are stand-ins whose removal is recorded; nothing reaches an engine.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import type Docker from "dockerode";
import { DYNAMIC_PREFIX } from "../../harness/docker";
import { newBackendContext, removeAll } from "../../harness/liveDocker/backend";
import { DOCKER_PROVIDER, DockerEngines } from "../../harness/liveDocker/dockerEngines";
import { RANDOM_PASSWORD } from "../../harness/liveDocker/random";
import type { BackendContext } from "../../harness/liveDocker/types";
import { childUrn, inheritedAlias } from "../../harness/liveDocker/update/alias";
import { endRun, newRun, register } from "../../harness/liveDocker/update/pulumiEngine";
import { onRegistration } from "../../harness/liveDocker/update/request";
import type { Registration, StateEntry } from "../../harness/liveDocker/update/types";
import { promiseOf } from "../../harness/pulumi";

const NETWORK = "docker:index/network:Network";
const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const PRESENCE = `${DYNAMIC_PREFIX}/redis:HostPresence`;
const GROUP = "test:index:Group";
const H4 = "unix:///run/rrg/h4/docker.sock";
const urnOf = (type: string, name: string): string => `urn:pulumi:unit::proj::${type}::${name}`;
const PROVIDER_H4 = urnOf(DOCKER_PROVIDER, "h4");

/** A context on a stand-in default engine; `removed` lists the objects whose removal ran. */
function newContext(): { ctx: BackendContext; removed: string[] } {
    const ctx = newBackendContext(new DockerEngines({} as Docker), "unit", process.cwd());
    ctx.engines.setProvider(PROVIDER_H4, H4);
    return { ctx, removed: [] };
}

function registration(urn: string, opts: Partial<Registration> = {}): Registration {
    return { urn, parent: "", dependencies: [], propertyDependencies: {}, retainOnDelete: false, aliasTypes: [], aliasUrns: [], ...opts };
}

interface EntryOptions {
    /** A component (false) has no object; a custom resource has one unless `object` is false. Default true. */
    custom?: boolean;
    object?: boolean;
    reg?: Partial<Registration>;
    /** The engine its object is on (default: the default engine). */
    docker?: Docker;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    provider?: string;
}

/** An old state entry; its object's removal is recorded in `removed`. */
function oldEntry(removed: string[], type: string, name: string, opts: EntryOptions = {}): StateEntry {
    const urn = urnOf(type, name);
    const reg = registration(urn, opts.reg);
    const custom = opts.custom ?? true;
    return {
        urn,
        type,
        name,
        custom,
        reg,
        inputs: opts.inputs ?? {},
        outputs: opts.outputs ?? {},
        id: custom ? `${name}-id` : undefined,
        provider: opts.provider,
        object:
            custom && opts.object !== false
                ? {
                      made: { type, name, id: `${name}-id`, retainOnDelete: reg.retainOnDelete },
                      undo: async () => void removed.push(name),
                      docker: opts.docker,
                  }
                : undefined,
    };
}

const stateOf = (...entries: StateEntry[]): Map<string, StateEntry> => new Map(entries.map((e) => [e.urn, e]));

describe("update engine: deletedWith", () => {
    it("skips the delete of what is deletedWith a resource deleted in the same run, and forgets its object", async () => {
        const { ctx, removed } = newContext();
        const presence = oldEntry(removed, PRESENCE, "g-c-presence");
        const withPresence = { reg: { deletedWith: presence.urn } };
        const olds = [
            presence,
            oldEntry(removed, CONTAINER, "g-replica-2", withPresence),
            oldEntry(removed, NETWORK, "g-c-network", withPresence),
        ];
        const lone = oldEntry(removed, VOLUME, "g-data"); // deletedWith nothing: deleted as ever
        const run = newRun(stateOf(...olds, lone));
        const state = await endRun(ctx, run);
        assert.deepEqual(removed.sort(), ["g-c-presence", "g-data"]);
        assert.equal(state.size, 0);
        assert.deepEqual(ctx.retained, [], "not reported as retained");
        for (const e of olds.slice(1)) assert.ok(e.object!.removal !== undefined, `${e.name}: forgotten, not left for teardown`);
        assert.deepEqual(run.steps.map((s) => `${s.op} ${s.name}`).sort(), [
            "delete g-c-network",
            "delete g-c-presence",
            "delete g-data",
            "delete g-replica-2",
        ]);
    });

    it("deletes it when the resource it names stays", async () => {
        const { ctx, removed } = newContext();
        const group = oldEntry(removed, GROUP, "g", { custom: false });
        const c = oldEntry(removed, CONTAINER, "g-replica-2", { reg: { deletedWith: group.urn } });
        const run = newRun(stateOf(group, c));
        await register(ctx, run, { type: GROUP, name: "g", inputs: {} }, registration(group.urn));
        await endRun(ctx, run);
        assert.deepEqual(removed, ["g-replica-2"]);
    });

    it("retainOnDelete wins: the object is kept and listed as retained", async () => {
        const { ctx, removed } = newContext();
        const presence = oldEntry(removed, PRESENCE, "g-c-presence");
        const v = oldEntry(removed, VOLUME, "g-data", { reg: { deletedWith: presence.urn, retainOnDelete: true } });
        await endRun(ctx, newRun(stateOf(presence, v)));
        assert.deepEqual(removed, ["g-c-presence"]);
        assert.deepEqual(
            ctx.retained.map((m) => m.name),
            ["g-data"],
        );
    });

    it("teardown (a destroy) skips it when what it names is in the state, and removes everything else", async () => {
        const { ctx, removed } = newContext();
        const presence = oldEntry(removed, PRESENCE, "g-c-presence");
        const c = oldEntry(removed, CONTAINER, "g-replica-2", { reg: { deletedWith: presence.urn } });
        const elsewhere = oldEntry(removed, CONTAINER, "g-replica-1", { reg: { deletedWith: urnOf(PRESENCE, "not-in-state") } });
        ctx.objects.push(presence.object!, c.object!, elsewhere.object!);
        await removeAll(ctx, [presence, c, elsewhere]);
        assert.deepEqual(removed.sort(), ["g-c-presence", "g-replica-1"]);
        assert.deepEqual(ctx.retained, []);
    });
});

describe("update engine: aliases", () => {
    const PASSWORD_INPUTS = { length: 8 };
    const PASSWORD_OUTPUTS = { length: 8, special: true, upper: true, lower: true, numeric: true, result: "abcdefgh" };
    const password = (removed: string[], name: string, urn?: string): StateEntry => {
        const e = oldEntry(removed, RANDOM_PASSWORD, name, { inputs: PASSWORD_INPUTS, outputs: PASSWORD_OUTPUTS });
        return urn === undefined ? e : { ...e, urn, reg: { ...e.reg, urn } };
    };
    const args = (name: string): pulumi.runtime.MockResourceArgs => ({
        type: RANDOM_PASSWORD,
        name,
        inputs: PASSWORD_INPUTS,
        custom: true,
    });

    it("a registration takes over the old resource under its alias: same object, no create, no delete", async () => {
        const { ctx, removed } = newContext();
        const old = password(removed, "g-pw-on-d");
        const run = newRun(stateOf(old));
        const newUrn = urnOf(RANDOM_PASSWORD, "g-pw");
        const res = await register(ctx, run, args("g-pw"), registration(newUrn, { aliasUrns: [old.urn] }));
        const state = await endRun(ctx, run);
        assert.equal(res.id, old.id);
        assert.deepEqual(res.state, PASSWORD_OUTPUTS);
        assert.deepEqual(
            run.steps.map((s) => `${s.op} ${s.name}`),
            ["same g-pw"],
        );
        assert.deepEqual(removed, []);
        assert.deepEqual([...state.keys()], [newUrn]);
        assert.equal(state.get(newUrn)!.object, old.object);
    });

    it("a child inherits its parent's alias, with the parent's old name in front of its own", async () => {
        const { ctx, removed } = newContext();
        const oldGroup = urnOf(GROUP, "old");
        const oldChildUrn = childUrn(oldGroup, RANDOM_PASSWORD, "old-pw");
        assert.equal(inheritedAlias(RANDOM_PASSWORD, "new-pw", "new", oldGroup), oldChildUrn);
        const oldChild = password(removed, "old-pw", oldChildUrn);
        const run = newRun(stateOf(oldEntry(removed, GROUP, "old", { custom: false }), oldChild));
        const newGroup = urnOf(GROUP, "new");
        await register(ctx, run, { type: GROUP, name: "new", inputs: {} }, registration(newGroup, { aliasUrns: [oldGroup] }));
        const newChild = childUrn(newGroup, RANDOM_PASSWORD, "new-pw");
        await register(ctx, run, args("new-pw"), registration(newChild, { parent: newGroup }));
        await endRun(ctx, run);
        assert.deepEqual(
            run.steps.map((s) => `${s.op} ${s.name}`),
            ["same new-pw"],
        );
        assert.deepEqual(removed, []);
    });

    it("an old resource taken over twice is an error, as in the engine", async () => {
        const { ctx, removed } = newContext();
        const old = password(removed, "g-pw-on-d");
        const run = newRun(stateOf(old));
        await register(ctx, run, args("a"), registration(urnOf(RANDOM_PASSWORD, "a"), { aliasUrns: [old.urn] }));
        await assert.rejects(
            register(ctx, run, args("b"), registration(urnOf(RANDOM_PASSWORD, "b"), { aliasUrns: [old.urn] })),
            /"b": its alias .*g-pw-on-d was already taken over by .*::a$/,
        );
    });
});

describe("update engine: a lost engine", () => {
    const NET_OUTPUTS = {
        name: "n",
        driver: "bridge",
        ipamDriver: "default",
        ipamConfigs: [{ subnet: "10.0.0.0/24", gateway: "10.0.0.1" }],
    };
    const LOST = /a call to the lost engine unix:\/\/\/run\/rrg\/h4\/docker\.sock/;

    it("refuses a create on it, before anything is made", async () => {
        const { ctx } = newContext();
        ctx.engines.lose(H4);
        const run = newRun(new Map());
        const args = { type: NETWORK, name: "n", inputs: { name: "n" }, custom: true, provider: `${PROVIDER_H4}::some-id` };
        await assert.rejects(
            register(ctx, run, args, registration(urnOf(NETWORK, "n"))),
            /Network "n" \(create\): a call to the lost engine/,
        );
        assert.deepEqual(ctx.created, []);
    });

    it("lets a same through, and deletes skipped by deletedWith or retainOnDelete, and a provider's own delete", async () => {
        const { ctx, removed } = newContext();
        const h4 = ctx.engines.forHost(H4);
        const onH4 = { docker: h4, provider: PROVIDER_H4 };
        const presence = oldEntry(removed, GROUP, "g-c", { custom: false });
        const kept = oldEntry(removed, NETWORK, "n", { ...onH4, inputs: { name: "n" }, outputs: NET_OUTPUTS });
        const olds = stateOf(
            presence,
            kept,
            oldEntry(removed, CONTAINER, "g-replica-2", { ...onH4, reg: { deletedWith: presence.urn } }),
            oldEntry(removed, VOLUME, "g-data", { ...onH4, reg: { retainOnDelete: true } }),
            oldEntry(removed, DOCKER_PROVIDER, "h4", { object: false, outputs: { host: H4 } }), // a provider makes nothing physical
        );
        ctx.engines.lose(H4);
        const run = newRun(olds);
        const args = { type: NETWORK, name: "n", inputs: { name: "n", driver: "bridge" }, custom: true, provider: `${PROVIDER_H4}::id` };
        await register(ctx, run, args, registration(kept.urn));
        await endRun(ctx, run);
        assert.deepEqual(removed, []);
        assert.deepEqual(
            run.steps.map((s) => `${s.op} ${s.name}`).sort(),
            ["delete g-data", "delete g-replica-2", "delete h4", "same n"], // a component's delete is no step,
        );
    });

    it("refuses a delete on it that would call it; once regained, the delete goes through", async () => {
        const { ctx, removed } = newContext();
        const c = oldEntry(removed, CONTAINER, "g-replica-2", { docker: ctx.engines.forHost(H4), provider: PROVIDER_H4 });
        ctx.engines.lose(H4);
        const run = newRun(stateOf(c));
        await assert.rejects(endRun(ctx, run), /Container "g-replica-2" \(delete\): a call to the lost engine/);
        assert.equal(c.object!.removal, undefined, "still there");
        ctx.engines.regain(H4);
        await endRun(ctx, newRun(stateOf(c)));
        assert.deepEqual(removed, ["g-replica-2"]);
    });

    it("names the host it was lost under", async () => {
        const { ctx } = newContext();
        ctx.engines.lose(H4);
        assert.throws(() => ctx.engines.assertReachable(ctx.engines.forHost(H4), "live backend: here"), LOST);
        assert.doesNotThrow(() => ctx.engines.assertReachable(ctx.engines.fallback, "live backend: here"));
    });
});

describe("update engine: options read off the request", () => {
    const regs = new Map<string, Registration>();
    class Thing extends pulumi.CustomResource {
        constructor(name: string, opts?: pulumi.CustomResourceOptions) {
            super("test:index:Thing", name, {}, opts);
        }
    }

    before(async () => {
        onRegistration((_type, name, reg) => regs.set(name, reg));
        await pulumi.runtime.setMocks(
            { newResource: async (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
            "proj",
            "aliases",
            false,
        );
    });

    it("reads deletedWith as a URN, and each alias as the URN the engine collapses it to", async () => {
        const group = new pulumi.ComponentResource("test:index:Group", "g", {}, {});
        const target = new Thing("g-presence", { parent: group });
        const thing = new Thing("g-b", {
            parent: group,
            deletedWith: target,
            aliases: [{ name: "g-b-on-d" }, { name: "top", parent: undefined }, { type: "test:index:Former" }],
        });
        await promiseOf(thing.urn);
        const reg = regs.get("g-b")!;
        const inGroup = "urn:pulumi:aliases::proj::test:index:Group$";
        assert.equal(reg.deletedWith, await promiseOf(target.urn));
        assert.equal(reg.deletedWith, `${inGroup}test:index:Thing::g-presence`);
        assert.deepEqual(reg.aliasUrns, [
            `${inGroup}test:index:Thing::g-b-on-d`,
            "urn:pulumi:aliases::proj::test:index:Thing::top",
            `${inGroup}test:index:Former::g-b`,
        ]);
        assert.deepEqual(reg.aliasTypes, ["", "", "test:index:Former"]);
        assert.equal(regs.get("g-presence")!.deletedWith, undefined);
    });
});
