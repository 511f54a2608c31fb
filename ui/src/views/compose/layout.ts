// Where the editor draws things: one horizontal band per lane, components in rows of two
// inside their lane, so nodes never overlap whatever the file holds. Positions are computed,
// never stored: the deployment file has no coordinates.
import type { ComposeComponent, ComposeLane } from "../../ipc/compose";

/** Top to bottom as a session flows, as in the overview: users, the loop, the model, tools. */
export const LANES: ComposeLane[] = ["users", "orchestration", "inference", "connectivity", "execution"];

export const LANE_OF_KIND: Record<string, ComposeLane> = {
  users: "users",
  orchestrator: "orchestration",
  router: "orchestration",
  "model-endpoint": "inference",
  gateway: "connectivity",
  tunnel: "connectivity",
  sandbox: "execution",
  "mcp-server": "execution",
  "data-store": "execution",
};

export const KINDS = Object.keys(LANE_OF_KIND);

export const NODE_W = 190;
export const NODE_H = 66;
const PER_ROW = 2;
const GAP_X = 22;
const GAP_Y = 14;
const HEAD = 30;
const PAD = 14;
export const LANE_W = PAD * 2 + PER_ROW * NODE_W + (PER_ROW - 1) * GAP_X;

export type Band = { lane: ComposeLane; y: number; height: number };

export type Layout = {
  bands: Band[];
  positions: Map<string, { x: number; y: number }>;
};

export function layout(components: ComposeComponent[]): Layout {
  const bands: Band[] = [];
  const positions = new Map<string, { x: number; y: number }>();
  let y = 0;
  for (const lane of LANES) {
    const inLane = components.filter((c) => c.lane === lane);
    const rows = Math.max(1, Math.ceil(inLane.length / PER_ROW));
    const height = HEAD + rows * NODE_H + (rows - 1) * GAP_Y + PAD;
    inLane.forEach((c, i) => {
      const row = Math.floor(i / PER_ROW);
      const col = i % PER_ROW;
      positions.set(c.id, { x: PAD + col * (NODE_W + GAP_X), y: y + HEAD + row * (NODE_H + GAP_Y) });
    });
    bands.push({ lane, y, height });
    y += height + 8;
  }
  return { bands, positions };
}

/** The lane under a point of the canvas, if any. */
export function laneAt(bands: Band[], y: number): ComposeLane | null {
  return bands.find((b) => y >= b.y && y < b.y + b.height)?.lane ?? null;
}
