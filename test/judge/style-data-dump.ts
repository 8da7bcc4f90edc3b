// Prints styleCheckBattles() as JSON for scripts/judge-style-reference.py (docs/judge.md).
import { styleCheckBattles } from "./style-data";

console.log(JSON.stringify(styleCheckBattles()));
