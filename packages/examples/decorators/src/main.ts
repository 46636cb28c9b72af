import { createContainer } from "@modreg/core";
import { decoratorModeOf } from "./decorator-mode.js";
import { Greeter } from "./greeter.js";
import { manifest } from "./modules.generated.js";

const app = createContainer(manifest);
await app.start();
const greeter = app.get(Greeter);
console.log(`decorators: ${decoratorModeOf(Greeter)}`);
console.log(`class intact: name=${Greeter.name}, instanceof=${String(greeter instanceof Greeter)}`);
console.log(greeter.greet("Ada"));
await app.dispose();
