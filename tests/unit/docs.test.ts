// The docs a newcomer reads: a short README, pages under docs/ whose relative links (and their
// anchors) all resolve, and a configuration reference that is the args' JSDoc, not a copy.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIGURATION_PATH, renderConfigurationDoc } from "../../scripts/docs";

const ROOT = path.join(__dirname, "..", "..");
const DOCS = path.join(ROOT, "docs");
const pages = ["README.md", ...fs.readdirSync(DOCS).map((f) => path.join("docs", f))].filter((f) => f.endsWith(".md"));

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, "")
        .replace(/ /g, "-");
}

function anchorsOf(file: string): Set<string> {
    const text = fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
    return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

describe("the docs", () => {
    it("README.md is at most 250 lines, and docs/ has a page per concern", () => {
        const lines = fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n").length - 1;
        assert.ok(lines <= 250, `README.md has ${lines} lines`);
        assert.ok(pages.length - 1 >= 5, `docs/ has ${pages.length - 1} pages`);
    });

    it("every relative link in README.md and docs/ resolves, anchors included", () => {
        const broken: string[] = [];
        for (const page of pages) {
            const text = fs.readFileSync(path.join(ROOT, page), "utf8").replace(/```[\s\S]*?```/g, "");
            for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                const target = m[1]!;
                if (/^(https?|mailto):/.test(target)) continue;
                const [file, anchor] = target.split("#");
                const resolved = file ? path.resolve(ROOT, path.dirname(page), file) : path.join(ROOT, page);
                if (!fs.existsSync(resolved)) broken.push(`${page}: ${target} (no such file)`);
                else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor))
                    broken.push(`${page}: ${target} (no such heading)`);
            }
        }
        assert.deepStrictEqual(broken, []);
    });

    it("docs/configuration.md is what `npm run docs` renders from provider/schema.json", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const prettier = require("prettier") as typeof import("prettier");
        const options = (await prettier.resolveConfig(CONFIGURATION_PATH)) ?? {};
        const schema = fs.readFileSync(path.join(ROOT, "provider", "schema.json"), "utf8");
        const rendered = await prettier.format(renderConfigurationDoc(schema), { ...options, parser: "markdown" });
        assert.ok(
            rendered === fs.readFileSync(CONFIGURATION_PATH, "utf8"),
            "docs/configuration.md is stale: run `npm run docs` and commit it",
        );
    });
});
