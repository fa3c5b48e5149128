// Dynamic resources (pulumi-nodejs:dynamic/...), run as the engine's dynamic-provider host runs
// them: the provider deserialized from the `__provider` text the program sent.
import type * as pulumi from "@pulumi/pulumi";
import { loadSerializedProvider } from "../loadSerialized";
import type { Handler } from "./types";

/** A dynamic resource created the engine's way. */
export interface EngineCreate {
    /** The provider, deserialized from `__provider` and configured. */
    provider: pulumi.dynamic.ResourceProvider;
    id: string;
    /** The resource's outputs: the provider's outs plus __provider. */
    state: Record<string, unknown>;
}

/**
 * Creates a dynamic resource as the engine does: the provider loaded from the inputs' very
 * `__provider` text (and configured, as the host does), check(olds={}, news), then create() of
 * the checked inputs, both with __provider. Throws, starting with `where`, when check() refuses.
 */
export async function createAsEngine(raw: Record<string, unknown>, where: string): Promise<EngineCreate> {
    const text = raw.__provider;
    if (typeof text !== "string") throw new Error(`${where}: no serialized __provider in the inputs`);
    const provider = await loadSerializedProvider(text);
    let inputs: Record<string, unknown> = raw;
    if (provider.check) {
        const res = await provider.check({}, raw);
        if (res.failures && res.failures.length > 0) {
            throw new Error(`${where}: check failed: ${res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
        }
        inputs = { ...(res.inputs ?? raw), __provider: text };
    }
    const res = await provider.create(inputs);
    return { provider, id: res.id, state: { ...(res.outs ?? {}), __provider: text } };
}

export const createDynamic: Handler = async (ctx, { where, type, name, raw }) => {
    const { provider, id, state } = await createAsEngine(raw, where);
    ctx.record({ type, name, id }, async () => {
        if (provider.delete) await provider.delete(id, state);
    });
    return { id, state };
};
