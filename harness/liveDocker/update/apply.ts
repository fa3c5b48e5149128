// In-place updates, carried out as each provider's Update does them. Returns the new state and,
// when the removal changes with the inputs, the new way to remove the object.
import { statusCode } from "../../docker";
import { updateCommand } from "../command";
import { removeContainer } from "../container";
import { readContainer } from "../container/body";
import { createImage } from "../image";
import { DOCKER_PROVIDER } from "../dockerEngines";
import type { BackendContext, ResourceRequest } from "../types";
import { plannedState } from "./compare";
import { BRIDGED_RULES, CONTAINER_RULES } from "./dockerRules";
import type { Plan, StateEntry } from "./types";

const MB = 1024 * 1024;

/** The result of an update. */
export interface Updated {
    state: Record<string, unknown>;
    undo?: () => Promise<void>;
}

// The properties whose change makes resourceDockerContainerUpdate call ContainerUpdate once
// (kreuzwerker/terraform-provider-docker@5074970c internal/provider/resource_docker_container_funcs.go:1016-1019).
const CONTAINER_UPDATE_ATTRS = ["restart", "memory", "memorySwap"];

/**
 * docker_container Update (funcs.go:991-1077): one ContainerUpdate with the restart policy and
 * resources, MemorySwap only when set (GetOk, funcs.go:1061-1067); must_run false→true starts it
 * (funcs.go:998-1013); everything else (healthcheck, ...) changes the state only.
 */
async function updateContainer(ctx: BackendContext, old: StateEntry, req: ResourceRequest, plan: Plan): Promise<Updated> {
    const spec = readContainer(ctx, req.where, req.name, req.raw);
    const c = ctx.docker.getContainer(old.id!);
    if (plan.changed.some((k) => CONTAINER_UPDATE_ATTRS.includes(k))) {
        const swap = typeof req.raw.memorySwap === "number" ? req.raw.memorySwap : 0;
        await c.update({
            RestartPolicy: { Name: (req.raw.restart as string | undefined) ?? "no", MaximumRetryCount: 0 },
            CpuShares: 0,
            Memory: ((req.raw.memory as number | undefined) ?? 0) * MB,
            MemoryReservation: 0,
            CpusetCpus: "",
            ...(swap !== 0 ? { MemorySwap: swap > 0 ? swap * MB : swap } : {}),
        });
    }
    if (plan.changed.includes("mustRun") && old.outputs.mustRun === false && spec.lifecycle.mustRun && spec.lifecycle.start) {
        await c.start().catch((err: unknown) => {
            if (statusCode(err) !== 304) throw err; // 304: already running
        });
    }
    return { state: plannedState(CONTAINER_RULES, old.outputs, req.raw), undo: () => removeContainer(c, spec) };
}

/** docker.Image Update rebuilds and keeps the old resource id (pulumi/pulumi-docker@237b7899 provider/provider.go:428-486). */
async function updateImage(ctx: BackendContext, req: ResourceRequest): Promise<Updated> {
    const rebuilt = await createImage({ ...ctx, record: () => undefined }, req);
    return { state: rebuilt.state as Record<string, unknown> };
}

/** A dynamic resource's real update(id, oldOutputs, news); its outs plus __provider are the state (@pulumi/pulumi 3.270.0 cmd/dynamic-provider/index.js:273-292). */
async function updateDynamic(old: StateEntry, req: ResourceRequest, plan: Plan): Promise<Updated> {
    const { provider, checked } = plan.dynamic!;
    if (!provider.update) throw new Error(`${req.where}: the provider has no update, but its diff asked for one`);
    const res = await provider.update(old.id!, old.outputs, checked);
    const state = { ...(res.outs ?? {}), __provider: checked.__provider };
    return { state, undo: async () => void (await provider.delete?.(old.id!, state)) };
}

/** Carries out an update of `old` to the new inputs. */
export async function applyUpdate(ctx: BackendContext, old: StateEntry, req: ResourceRequest, plan: Plan): Promise<Updated> {
    if (old.type === "docker:index/container:Container") return updateContainer(ctx, old, req, plan);
    const bridged = BRIDGED_RULES[old.type];
    if (bridged) return { state: plannedState(bridged, old.outputs, req.raw) };
    if (old.type === "docker:index/image:Image") return updateImage(ctx, req);
    if (old.type === "command:local:Command") return updateCommand(ctx, req.where, req.raw, old.outputs);
    if (plan.dynamic) return updateDynamic(old, req, plan);
    // A docker.Provider's update (sshOpts only, diff.ts) reconfigures nothing physical.
    if (old.type === DOCKER_PROVIDER) return { state: { ...req.raw } };
    throw new Error(`${req.where}: the update model cannot update type ${old.type}`);
}
