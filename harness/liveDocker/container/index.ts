// docker:index/container:Container: create, join the networks, upload, start and wait as
// pulumi-docker does, then report the state it would read back.
import * as path from "path";
import type Docker from "dockerode";
import { containerLog, removeIfPresent, statusCode } from "../../docker";
import { packTar } from "../../image";
import type { BackendContext, Handler } from "../types";
import { ContainerSpec, readContainer } from "./body";
import { containerState } from "./readBack";

async function sleep(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
}

async function logTail(docker: Docker, c: Docker.Container): Promise<string> {
    return containerLog(c.id, 20, docker).then(
        (text) => text.trimEnd(),
        () => "(no logs)",
    );
}

/** As the provider's delete: stop with the grace period if one is set, then force-remove. */
export async function removeContainer(c: Docker.Container, spec: ContainerSpec): Promise<void> {
    const grace = spec.lifecycle.destroyGrace;
    if (grace !== undefined) {
        await c.stop({ t: grace }).catch((err: unknown) => {
            if (statusCode(err) !== 304 && statusCode(err) !== 404) throw err;
        });
    }
    await removeIfPresent(c.remove({ force: true, v: spec.lifecycle.removeVolumes }));
}

/** As the provider: leave the default bridge, join each network with its endpoint settings; then the uploads. */
async function prepare(ctx: BackendContext, where: string, c: Docker.Container, spec: ContainerSpec): Promise<void> {
    if (spec.networks.length > 0) {
        await ctx.docker
            .getNetwork("bridge")
            .disconnect({ Container: c.id, Force: false })
            .catch(() => undefined);
        for (const n of spec.networks) {
            await ctx.docker.getNetwork(n.name).connect({ Container: c.id, EndpointConfig: n.endpoint });
        }
    }
    for (const u of spec.uploads) {
        // The target directory must already exist in the image.
        const tar = packTar([{ name: path.posix.basename(u.file), data: u.data, mode: u.mode, uid: u.uid, gid: u.gid }]);
        try {
            await c.putArchive(tar, { path: path.posix.dirname(u.file) });
        } catch (err) {
            throw new Error(`${where}: upload of ${u.file} failed: ${(err as Error).message}`);
        }
    }
}

/**
 * As the provider's read after create (first look after 100 ms, then up to 15 s): with mustRun
 * the container has to be running.
 */
async function startRunning(docker: Docker, where: string, c: Docker.Container, spec: ContainerSpec): Promise<Docker.ContainerInspectInfo> {
    await c.start();
    await sleep(100);
    const deadline = Date.now() + 15_000;
    const { mustRun } = spec.lifecycle;
    let info = await c.inspect();
    for (; mustRun && !info.State.Running && Date.now() < deadline; info = await c.inspect()) {
        if (info.State.Status === "exited" || info.State.Status === "dead") break;
        await sleep(100);
    }
    if (mustRun && !info.State.Running) {
        throw new Error(
            `${where}: container ${spec.name} is not running (status ${info.State.Status}, exit code ${info.State.ExitCode})\n${await logTail(docker, c)}`,
        );
    }
    return info;
}

/** `wait`: polls until the healthcheck reports healthy, at most waitTimeout seconds. */
async function waitHealthy(
    docker: Docker,
    where: string,
    c: Docker.Container,
    spec: ContainerSpec,
    first: Docker.ContainerInspectInfo,
): Promise<Docker.ContainerInspectInfo> {
    const waitTimeout = spec.lifecycle.waitTimeout;
    const waitDeadline = Date.now() + waitTimeout * 1000;
    let info = first;
    while (info.State.Health?.Status !== "healthy") {
        if (!info.State.Running) {
            throw new Error(`${where}: container ${spec.name} stopped while waiting for healthy\n${await logTail(docker, c)}`);
        }
        if (Date.now() > waitDeadline) {
            const last = info.State.Health?.Log?.at(-1);
            throw new Error(
                `${where}: container ${spec.name} not healthy after ${waitTimeout}s (status ${info.State.Health?.Status}; last probe: ${last?.ExitCode} ${last?.Output?.trim()})`,
            );
        }
        await sleep(200);
        info = await c.inspect();
    }
    return info;
}

export const createContainer: Handler = async (ctx, { where, type, name, raw }) => {
    const spec = readContainer(ctx, where, name, raw);
    try {
        await ctx.docker.getImage(spec.image).inspect();
    } catch (err) {
        if (statusCode(err) === 404) {
            throw new Error(`${where}: input image ${spec.image} is not present locally (there is no registry here to pull from)`);
        }
        throw err;
    }
    const c = await ctx.docker.createContainer(spec.body as unknown as Docker.ContainerCreateOptions);
    ctx.record({ type, name, id: c.id }, () => removeContainer(c, spec));
    await prepare(ctx, where, c, spec);
    let info = await c.inspect();
    if (spec.lifecycle.start) {
        info = await startRunning(ctx.docker, where, c, spec);
        if (spec.lifecycle.wait) {
            if (!info.State.Health) {
                throw new Error(`${where}: input wait = true needs a healthcheck (in the image or the healthcheck input)`);
            }
            info = await waitHealthy(ctx.docker, where, c, spec, info);
        }
    }
    return { id: c.id, state: containerState(raw, spec, info) };
};
