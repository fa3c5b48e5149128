// `ts-node --transpile-only harness/hosts/cli.ts up|down`: starts or removes the simulated hosts
// (.ci/run brings them up before the tests and down in its exit trap).
import { removeSimHosts, startSimHosts } from "./index";

async function main(command: string | undefined): Promise<string> {
    if (command === "up") {
        const hosts = await startSimHosts();
        return `hosts: ${hosts.map((h) => `${h.name} ${h.address} ${h.dockerHost}`).join(", ")}`;
    }
    if (command === "down") {
        await removeSimHosts();
        return "hosts: removed";
    }
    throw new Error(`usage: cli.ts up|down (got ${command ?? "nothing"})`);
}

main(process.argv[2]).then(
    (line) => {
        console.log(line);
        process.exit(0);
    },
    (err: Error) => {
        console.error(`hosts: ${err.message}`);
        process.exit(1);
    },
);
