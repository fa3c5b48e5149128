// The live backend's update model (harness/liveDocker/update): a small program (network, volume,
// a container of the test base image, a dynamic resource on the container's id, a local
// command, an image) runs again and again on one backend, and each `up` must do what the engine
// and the providers would: same, update in place, replace delete-first (with the cascade) or
// create-first, delete what is gone. We check the steps and what Docker says.
// Own label, subnet 10.97.0.0/24 and host port 7400, so other runs on this engine are not touched.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { dockerClient, statusCode } from "../../harness/docker";
import { ensureBaseImage } from "../../harness/image";
import { clearStale, createLiveBackend, LiveBackend, requireDocker, teardownAndVerify, UpdateStep } from "../../harness/liveDocker";
import { promiseOf } from "../../harness/pulumi";

const LABEL = "update-model";
const IMAGE_TAG = "redis-replication-test/update-model:latest";
const NET = "rr-um-net";
const CONTAINER = "rr-um-redis";
const SUBNETS = {
    low: { subnet: "10.97.0.0/25", gateway: "10.97.0.1", ip: "10.97.0.2" },
    high: { subnet: "10.97.0.128/25", gateway: "10.97.0.129", ip: "10.97.0.130" },
};

/** What one `up` declares. */
interface Variant {
    subnet?: keyof typeof SUBNETS;
    restart?: string;
    role?: string;
    cpus?: string;
    script?: string;
    trigger?: string;
    note?: string;
    /** Declare the container and the marker on it (default true). */
    container?: boolean;
    envs?: string[];
}

/** A dynamic resource on the container's id: replaced when that id changes, updated when `value` does. */
const markerProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: `marker-${Date.now()}`, outs: { containerId: inputs.containerId, value: inputs.value } };
    },
    async diff(_id, olds, news) {
        const replaces = olds.containerId !== news.containerId ? ["containerId"] : [];
        return { changes: replaces.length > 0 || olds.value !== news.value, replaces, deleteBeforeReplace: true };
    },
    async update(_id, _olds, news) {
        return { outs: { containerId: news.containerId, value: news.value } };
    },
};

class Marker extends pulumi.dynamic.Resource {
    constructor(name: string, args: { containerId: pulumi.Input<string>; value: pulumi.Input<string> }) {
        super(markerProvider, name, args, {});
    }
}

function ops(steps: UpdateStep[]): string[] {
    return steps.map((s) => `${s.op} ${s.name}`).sort();
}

function stepOf(steps: UpdateStep[], name: string): UpdateStep {
    const s = steps.find((x) => x.name === name);
    assert.ok(s, `no step for ${name}: ${ops(steps).join(", ")}`);
    return s;
}

async function gone(id: string): Promise<boolean> {
    return dockerClient()
        .getContainer(id)
        .inspect()
        .then(
            () => false,
            (err: unknown) => statusCode(err) === 404,
        );
}

describe("docker tier: the live backend's update model (a second `pulumi up`)", function () {
    this.timeout(180_000);
    let backend: LiveBackend | undefined;
    let base = "";
    let dir = "";
    let runs = 0;
    let docker: typeof import("@pulumi/docker");
    let command: typeof import("@pulumi/command");

    /** The program: what `v` declares, with its outputs. */
    function program(v: Variant) {
        const s = SUBNETS[v.subnet ?? "low"];
        const net = new docker.Network("um-net", { name: NET, driver: "bridge", ipamConfigs: [{ subnet: s.subnet, gateway: s.gateway }] });
        const vol = new docker.Volume("um-data", { name: "rr-um-data" });
        const cmd = new command.local.Command("um-cmd", {
            create: v.script ?? "echo one",
            delete: `echo "deleted $PULUMI_COMMAND_STDOUT" >> ${path.join(dir, "deletes.log")}`,
            triggers: [v.trigger ?? "t1"],
        });
        fs.writeFileSync(path.join(dir, "ctx", "note.txt"), v.note ?? "first");
        const image = new docker.Image("um-image", {
            imageName: IMAGE_TAG,
            build: {
                context: path.join(dir, "ctx"),
                dockerfile: path.join(dir, "ctx", "Dockerfile"),
                builderVersion: "BuilderV1",
                args: { BASE: base },
            },
            skipPush: true,
        });
        if (v.container === false) return { net, vol, cmd, image };
        const c = new docker.Container("um-redis", {
            name: CONTAINER,
            image: base,
            networksAdvanced: [{ name: net.name, ipv4Address: s.ip }],
            volumes: [{ volumeName: vol.name, containerPath: "/data" }],
            ports: [{ internal: 6379, external: 7400, ip: "127.0.0.1" }],
            restart: v.restart,
            cpus: v.cpus,
            envs: v.envs,
            labels: [{ label: "um.role", value: v.role ?? "a" }],
        });
        // With envs (no rule) the container fails: nothing may hang on its id then.
        if (v.envs) return { net, vol, cmd, image, c };
        const marker = new Marker("um-marker", { containerId: c.id, value: "m" });
        return { net, vol, cmd, image, c, marker };
    }

    /** One `pulumi up` of the program; resolves with its steps and the resources' ids. */
    async function up(v: Variant) {
        if (runs++ > 0) backend!.beginUp();
        await pulumi.runtime.setMocks(backend!.mocks, "redis-replication", "update-model");
        const r = program(v);
        const ids: Record<string, string> = {};
        for (const [k, res] of Object.entries(r)) ids[k] = await promiseOf(res.id);
        const digest = await promiseOf(r.image.repoDigest);
        const steps = await backend!.endUp();
        return { steps, ids, digest };
    }

    before(async function () {
        await requireDocker(this);
        await clearStale(LABEL);
        base = await ensureBaseImage();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "update-model-"));
        fs.mkdirSync(path.join(dir, "ctx"));
        fs.writeFileSync(path.join(dir, "ctx", "Dockerfile"), "ARG BASE\nFROM ${BASE}\nCOPY note.txt /note.txt\n");
        backend = createLiveBackend({ testLabel: LABEL });
        await pulumi.runtime.setMocks(backend.mocks, "redis-replication", "update-model");
        docker = await import("@pulumi/docker");
        command = await import("@pulumi/command");
    });

    after(async function () {
        try {
            if (backend !== undefined) await teardownAndVerify(backend, LABEL, [IMAGE_TAG]);
        } finally {
            if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    let first: Awaited<ReturnType<typeof up>>;
    // What the later cases declare, once every earlier change is in.
    const latest: Variant = {
        restart: "unless-stopped",
        role: "b",
        cpus: "1.0",
        subnet: "high",
        script: "echo two",
        trigger: "t2",
        note: "second",
    };

    it("first up: creates everything, each after what it depends on", async () => {
        first = await up({});
        assert.deepEqual(ops(first.steps), [
            "create um-cmd",
            "create um-data",
            "create um-image",
            "create um-marker",
            "create um-net",
            "create um-redis",
        ]);
        const at = (n: string) => first.steps.indexOf(stepOf(first.steps, n));
        assert.ok(at("um-net") < at("um-redis") && at("um-data") < at("um-redis") && at("um-redis") < at("um-marker"));
    });

    it("unchanged inputs: every step is same, and Docker is not touched", async () => {
        const before = await dockerClient().getContainer(CONTAINER).inspect();
        const r = await up({});
        assert.deepEqual(ops(r.steps), ["same um-cmd", "same um-data", "same um-image", "same um-marker", "same um-net", "same um-redis"]);
        assert.deepEqual(r.ids, first.ids);
        assert.equal(r.digest, first.digest);
        const after = await dockerClient().getContainer(CONTAINER).inspect();
        assert.equal(after.State.StartedAt, before.State.StartedAt);
    });

    it("restart changed: the container is updated in place (same id, the new policy in Docker)", async () => {
        const r = await up({ restart: "unless-stopped" });
        assert.deepEqual(stepOf(r.steps, "um-redis").op, "update");
        assert.deepEqual(stepOf(r.steps, "um-redis").changed, ["restart"]);
        assert.equal(r.ids.c, first.ids.c);
        assert.equal((await dockerClient().getContainer(CONTAINER).inspect()).HostConfig.RestartPolicy?.Name, "unless-stopped");
        assert.equal(stepOf(r.steps, "um-marker").op, "same");
    });

    let lastContainer = "";
    it("a label changed: replaced delete-first (new id, the old one gone), and the marker on its id through the cascade", async () => {
        const r = await up({ restart: "unless-stopped", role: "b" });
        const s = stepOf(r.steps, "um-redis");
        assert.deepEqual([s.op, s.deleteBeforeReplace, s.changed], ["replace", true, ["labels"]]);
        assert.notEqual(r.ids.c, first.ids.c);
        assert.ok(await gone(first.ids.c!), "the old container still exists");
        const m = stepOf(r.steps, "um-marker");
        assert.deepEqual([m.op, m.changed], ["replace", [`dependency ${s.urn}`]]);
        assert.notEqual(r.ids.marker, first.ids.marker);
        lastContainer = r.ids.c!;
    });

    it('cpus "1" is replaced on every up (it reads back as "1.0"); "1.0" is same', async () => {
        const v = { restart: "unless-stopped", role: "b", cpus: "1" };
        await up(v);
        const again = await up(v);
        assert.deepEqual(stepOf(again.steps, "um-redis").changed, ["cpus"]);
        const stable = await up({ ...v, cpus: "1.0" });
        assert.equal(stepOf(stable.steps, "um-redis").op, "same");
        assert.equal((await dockerClient().getContainer(CONTAINER).inspect()).HostConfig.NanoCpus, 1e9);
        lastContainer = stable.ids.c!;
    });

    it("a subnet changed: the network is replaced delete-first, the container (and marker) through the cascade first", async () => {
        const r = await up({ restart: "unless-stopped", role: "b", cpus: "1.0", subnet: "high" });
        const n = stepOf(r.steps, "um-net");
        assert.deepEqual([n.op, n.deleteBeforeReplace, n.changed], ["replace", true, ["ipamConfigs"]]);
        const c = stepOf(r.steps, "um-redis");
        assert.deepEqual([c.op, c.changed], ["replace", [`dependency ${n.urn}`]]);
        assert.ok(r.steps.indexOf(n) < r.steps.indexOf(c));
        assert.equal(stepOf(r.steps, "um-data").op, "same");
        assert.ok(await gone(lastContainer));
        const info = await dockerClient().getContainer(CONTAINER).inspect();
        assert.equal(info.NetworkSettings.Networks[NET]?.IPAddress, SUBNETS.high.ip);
        lastContainer = r.ids.c!;
    });

    it("a command's script changed: updated (same id, run again); its trigger changed: replaced create-first, the old deleted at endUp", async () => {
        const v = { restart: "unless-stopped", role: "b", cpus: "1.0", subnet: "high" as const };
        const updated = await up({ ...v, script: "echo two" });
        assert.deepEqual([stepOf(updated.steps, "um-cmd").op, updated.ids.cmd], ["update", first.ids.cmd]);
        const replaced = await up({ ...v, script: "echo two", trigger: "t2" });
        const s = stepOf(replaced.steps, "um-cmd");
        assert.deepEqual([s.op, s.deleteBeforeReplace, s.changed], ["replace", false, ["triggers"]]);
        assert.notEqual(replaced.ids.cmd, first.ids.cmd);
        assert.equal(fs.readFileSync(path.join(dir, "deletes.log"), "utf8"), "deleted two\n");
    });

    it("a file of the image's build context changed: the image is rebuilt in place (same id, new repoDigest)", async () => {
        const r = await up(latest);
        const s = stepOf(r.steps, "um-image");
        assert.deepEqual([s.op, s.changed], ["update", ["build.contextDigest"]]);
        assert.equal(r.ids.image, first.ids.image);
        assert.notEqual(r.digest, first.digest);
        assert.equal(stepOf(r.steps, "um-redis").op, "same");
    });

    it("an input property without a rule throws, naming it, and the up deletes nothing", async () => {
        backend!.beginUp();
        await pulumi.runtime.setMocks(backend!.mocks, "redis-replication", "update-model");
        const r = program({ ...latest, envs: ["A=1"] });
        await assert.rejects(promiseOf(r.c!.id), /um-redis.*no rule for input envs/);
        await assert.rejects(backend!.endUp(), /failed step.*nothing was deleted/s);
        assert.equal((await dockerClient().getContainer(CONTAINER).inspect()).Id, lastContainer);
    });

    it("the container no longer declared: deleted at endUp, the marker on it first", async () => {
        const r = await up({ ...latest, container: false });
        const del = r.steps.filter((s) => s.op === "delete").map((s) => s.name);
        assert.deepEqual(del, ["um-marker", "um-redis"]);
        const [m, c] = [stepOf(r.steps, "um-marker"), stepOf(r.steps, "um-redis")];
        assert.ok(m.endedAt <= c.startedAt, "the marker was not deleted before the container");
        assert.ok(await gone(lastContainer));
        assert.equal(stepOf(r.steps, "um-net").op, "same");
    });
});
