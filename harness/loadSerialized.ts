// Loads a dynamic provider from the text pulumi.runtime.serializeFunction produced, the way the
// engine's nodejs dynamic provider host does (@pulumi/pulumi/cmd/dynamic-provider/index.js:
// `requireFromString(text).handler()`, then `configure` if the provider has one): as a fresh
// CommonJS module whose `require` resolves from the program's directory (here the repo root).
// Nothing from the test's own module scope is visible to it, so a provider that leans on a
// captured variable the serializer dropped fails here as it would under `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import Module from "module";
import * as path from "path";
import * as vm from "vm";
import { REPO_ROOT } from "./docker";

/** Serializes a provider exactly as pulumi.dynamic.Resource does (dynamic/index.js serializeFunctionMaybeSecret). */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<{ text: string; containsSecrets: boolean }> {
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return { text: sf.text, containsSecrets: sf.containsSecrets };
}

/**
 * Evaluates serialized provider text in a new module (vm + the CommonJS wrapper, as Module._compile
 * does for require-from-string) and returns `handler()`'s provider, configured if it has `configure`.
 */
export async function loadSerializedProvider(
    text: string,
    opts: { exportName?: string; config?: Record<string, string>; projectName?: string } = {},
): Promise<pulumi.dynamic.ResourceProvider> {
    const filename = path.join(REPO_ROOT, "__pulumi_serialized_provider.js");
    const mod: { exports: Record<string, unknown> } = { exports: {} };
    const realRequire = Module.createRequire(filename);
    const wrapper = vm.runInThisContext(Module.wrap(text), { filename }) as (
        exports: unknown,
        require: NodeJS.Require,
        module: unknown,
        __filename: string,
        __dirname: string,
    ) => void;
    wrapper.call(mod.exports, mod.exports, realRequire, mod, filename, REPO_ROOT);
    const handler = mod.exports[opts.exportName ?? "handler"];
    if (typeof handler !== "function") {
        throw new Error(`serialized text exports no function "${opts.exportName ?? "handler"}"`);
    }
    const provider = (handler as () => pulumi.dynamic.ResourceProvider)();
    if (!provider || typeof provider.create !== "function") {
        throw new Error("serialized handler() did not return a dynamic provider (no create method)");
    }
    if (provider.configure) {
        // The host builds this from the stack's config; mirror it with the same class.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config") as {
            Config: new (raw: Record<string, string>, project: string) => pulumi.dynamic.Config;
        };
        await provider.configure({ config: new Config(opts.config ?? {}, opts.projectName ?? "test") });
    }
    return provider;
}
