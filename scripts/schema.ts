// Regenerates provider/schema.json, the committed snapshot of the schema the component provider
// serves (tests/unit/schema.test.ts keeps the two in step): `npm run schema`.
import * as fs from "fs";
import * as path from "path";
import { RedisReplicationProvider } from "../provider/provider";

/** The schema as committed: indented, with a final newline. */
export async function renderedSchema(): Promise<string> {
    const provider = new RedisReplicationProvider(path.join(__dirname, "..", "provider"));
    return `${JSON.stringify(JSON.parse(await provider.getSchema()), null, 4)}\n`;
}

export const SCHEMA_PATH = path.join(__dirname, "..", "provider", "schema.json");

/** The component's type token in the schema. */
export const GROUP_TOKEN = "redis-replication:index:RedisReplicationGroup";

/** One property as the schema writes it. */
export interface SchemaProperty {
    type?: string;
    $ref?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
    description?: string;
    plain?: boolean;
    optional?: boolean;
    secret?: boolean;
}

/** What the docs and the tests read of the schema. */
export interface PackageSchema {
    name: string;
    resources: Record<
        string,
        { inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty>; requiredInputs: string[] }
    >;
    types: Record<string, { properties: Record<string, SchemaProperty> }>;
}

if (require.main === module) {
    renderedSchema()
        .then((text) => {
            fs.writeFileSync(SCHEMA_PATH, text);
            console.log(`wrote ${path.relative(process.cwd(), SCHEMA_PATH)}`);
        })
        .catch((err: unknown) => {
            console.error(err instanceof Error ? err.message : err);
            process.exit(1);
        });
}
