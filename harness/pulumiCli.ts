// The project's Pulumi CLI for the engine tier: the one the `pulumi` devDependency (pulumi/pulumi,
// directory npm) runs, of exactly its version, downloaded on first use into its cache. Where the
// download fails, the reason, for the tier to skip with.
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

/** The CLI as the Automation API takes it, or why there is none. */
export async function projectPulumi(): Promise<{ command: PulumiCommand; version: string } | { whyNot: string }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require("pulumi/package.json") as { version: string };
    let bin: string;
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { resolve } = require("pulumi/lib/resolve") as { resolve: () => Promise<string> };
        bin = await resolve();
    } catch (err) {
        return { whyNot: `the project's pulumi package could not download the CLI v${version}: ${(err as Error).message}` };
    }
    // <root>/bin/pulumi, as PulumiCommand expects it.
    const command = await PulumiCommand.get({ root: path.dirname(path.dirname(bin)) });
    return { command, version };
}
