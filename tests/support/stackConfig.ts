// Reads a stack's settings file the way the Pulumi CLI hands config to the program.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { REPO_ROOT } from "../../harness/docker";

export const PROJECT = "redis-replication";

/** The `config:` map of Pulumi.<stack>.yaml, values JSON-encoded as the engine passes them. */
export function readStackConfig(stack: string): Record<string, string> {
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

/** The dev stack's `group` object. */
export function devGroup(): Record<string, unknown> {
    return JSON.parse(readStackConfig("dev")[`${PROJECT}:group`]!) as Record<string, unknown>;
}
