// A live backend for the Pulumi SDK's mock monitor. It stands in for the Pulumi engine plus the
// pulumi-docker and pulumi-command providers (and the engine's dynamic-provider host), none of
// which can be installed here: newResource really creates, through dockerode, what the program
// declares. It serves the Docker test tier and the bench; it is not part of the product.
//
// Rules it keeps:
// - An input it does not know makes it throw, naming type, resource and property: configuration
//   is never silently dropped (inputs.ts). Empty values (undefined, null, [], {}) and `false`
//   for opt-in flags are ignored.
// - Everything it creates carries the label redis-replication.test=<testLabel>.
// - It records what it made; teardown() removes it in reverse order, as `pulumi destroy` would.
//   Images are kept (removeTestImages() clears them).
//
// Accepted but without effect here (harmless): Image.buildOnPreview (never a preview),
// Container.containerReadRefreshTimeoutMilliseconds, Container.uploads[].sourceHash (a replace
// trigger), Command.triggers and Command.update (only matter on update), Command.logging.
import * as pulumi from "@pulumi/pulumi";
import { dockerClient, DYNAMIC_PREFIX } from "../docker";
import { unwrapSecrets } from "../pulumi";
import { createCommand } from "./command";
import { createContainer } from "./container";
import { createDynamic } from "./dynamic";
import { createImage } from "./image";
import { createNetwork, getNetwork } from "./network";
import type { BackendContext, Created, Handler, LiveBackend, LiveBackendOptions } from "./types";
import { createVolume } from "./volume";

/** The resource types the backend makes, by type token; dynamic resources go by their prefix. */
const HANDLERS: Record<string, Handler> = {
    "docker:index/image:Image": createImage,
    "docker:index/network:Network": createNetwork,
    "docker:index/volume:Volume": createVolume,
    "docker:index/container:Container": createContainer,
    "command:local:Command": createCommand,
};

function handlerFor(type: string): Handler | undefined {
    return HANDLERS[type] ?? (type.startsWith(DYNAMIC_PREFIX) ? createDynamic : undefined);
}

async function handle(ctx: BackendContext, args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
    const where = `live backend: ${args.type} "${args.name}"`;
    if (!args.custom) return { id: undefined, state: args.inputs }; // component resources: nothing to make
    if (args.id) throw new Error(`${where}: reading or importing an existing resource (id ${args.id}) is not supported`);
    const handler = handlerFor(args.type);
    if (!handler) throw new Error(`${where}: resource type ${args.type} is not supported by the live backend`);
    const raw = unwrapSecrets(args.inputs ?? {}) as Record<string, unknown>;
    return handler(ctx, { where, type: args.type, name: args.name, raw });
}

interface Undo {
    made: Created;
    undo: () => Promise<void>;
}

/** Runs the undos newest first; every failure is reported, the first one leading. */
async function undoAll(undos: Undo[]): Promise<void> {
    const errors: string[] = [];
    while (undos.length > 0) {
        const { made, undo } = undos.pop()!;
        try {
            await undo();
        } catch (err) {
            errors.push(`teardown of ${made.type} "${made.name}" (${made.id}): ${(err as Error).message}`);
        }
    }
    if (errors.length > 0) throw new Error(errors.join("\n"));
}

/** Resolves once every promise has settled, or after timeoutMs. */
async function settle(pending: Set<Promise<unknown>>, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([Promise.allSettled([...pending]), timeout]);
    clearTimeout(timer);
}

export function createLiveBackend(opts: LiveBackendOptions): LiveBackend {
    const created: Created[] = [];
    const undos: Undo[] = [];
    const pending = new Set<Promise<unknown>>();
    let closed = false;
    const ctx: BackendContext = {
        docker: dockerClient(),
        testLabel: opts.testLabel,
        cwd: opts.cwd ?? process.cwd(),
        retain: opts.retain ?? (() => false),
        created,
        retained: [],
        record(made, undo) {
            created.push(made);
            undos.push({ made, undo });
        },
    };
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            if (closed) {
                return Promise.reject(new Error(`live backend: ${args.type} "${args.name}" registered after teardown`));
            }
            const p = handle(ctx, args);
            pending.add(p);
            const untrack = (): void => void pending.delete(p);
            p.then(untrack, untrack);
            return p;
        },
        async call(args) {
            if (args.token === "docker:index/getNetwork:getNetwork") return getNetwork(ctx, String(args.inputs.name));
            return args.inputs;
        },
    };
    async function teardown(): Promise<void> {
        closed = true;
        // Let operations in flight finish (or fail), so what they made is recorded and removed too.
        await settle(pending, opts.settleTimeoutMs ?? 60_000);
        await undoAll(undos);
    }
    return { mocks, created, retained: ctx.retained, teardown };
}
