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
