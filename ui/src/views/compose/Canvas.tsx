// The canvas: one band per lane, the components in them, the links as arrows. Dropping an
// offering from the catalog panel on a lane adds it there; dragging from a component's lower
// handle to another's upper handle links them; Delete removes the selected component or link.
// Nodes are focusable (Tab) and Enter selects one, as xyflow does for keyboard users.
import { useEffect, useMemo, useState, type DragEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  Background,
  Controls,
  applyNodeChanges,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
  type NodeProps,
} from "@xyflow/react";

import type { ComposeComponent, ComposeEdit, ComposeLane, ComposeView } from "../../ipc/compose";
import type { DiagnosticView } from "../../ipc/result";
import { LANE_W, NODE_H, NODE_W, laneAt, layout } from "./layout";

export const OFFERING_MIME = "application/x-triplane-offering";

type LaneData = { lane: ComposeLane; label: string; empty: string; count: number; width: number; height: number };
type ComponentData = { c: ComposeComponent; kind: string; title: string; problems: number };

function LaneNode({ data }: NodeProps<Node<LaneData>>) {
  return (
    <div className={`compose-lane compose-lane-${data.lane}`} data-lane={data.lane} style={{ width: data.width, height: data.height }}>
      <span className="compose-lane-label">{data.label}</span>
      {data.count === 0 && <span className="compose-lane-empty">{data.empty}</span>}
    </div>
  );
}

function ComponentNode({ data, selected }: NodeProps<Node<ComponentData>>) {
  const { t } = useTranslation();
  const { c } = data;
  return (
    <div
      className={`compose-node${data.problems ? " has-problems" : ""}${selected ? " is-selected" : ""}`}
      data-component={c.id}
      data-problems={data.problems}
      style={{ width: NODE_W, height: NODE_H }}
    >
      <Handle type="target" position={Position.Top} aria-label={t("compose.linkTarget", { id: c.id })} />
      <div className="compose-node-top">
        <span className="compose-node-kind">{data.kind}</span>
        {data.problems > 0 && (
          <span className="compose-node-problems" title={t("compose.problems", { count: data.problems })}>
            {data.problems}
          </span>
        )}
      </div>
      <div className="compose-node-title" title={data.title}>
        {data.title}
      </div>
      <div className="compose-node-meta">
        <code>{c.id}</code>
        {c.site && <span> · {c.site}</span>}
      </div>
      <Handle type="source" position={Position.Bottom} aria-label={t("compose.linkSource", { id: c.id })} />
    </div>
  );
}

const NODE_TYPES = { lane: LaneNode, component: ComponentNode };

/** Diagnostics that belong to the component at `path` (`components.inference[0]`). */
export function problemsOf(diagnostics: DiagnosticView[], path: string): DiagnosticView[] {
  return diagnostics.filter((d) => d.path === path || d.path.startsWith(`${path}.`));
}

export function titleOf(c: ComposeComponent): string {
  return c.name ?? c.offeringName ?? c.id;
}

type Props = {
  view: ComposeView;
  diagnostics: DiagnosticView[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  apply: (edit: ComposeEdit) => Promise<void>;
};

export function Canvas({ view, diagnostics, selected, onSelect, apply }: Props) {
  const { t } = useTranslation();
  const flow = useReactFlow();
  const { bands, positions } = useMemo(() => layout(view.components), [view.components]);

  const computed = useMemo<Node[]>(() => {
    const lanes: Node<LaneData>[] = bands.map((b) => ({
      id: `lane:${b.lane}`,
      type: "lane",
      position: { x: 0, y: b.y },
      data: {
        lane: b.lane,
        label: t(`lane.${b.lane}`),
        empty: t("compose.dropHere"),
        count: view.components.filter((c) => c.lane === b.lane).length,
        width: LANE_W,
        height: b.height,
      },
      draggable: false,
      selectable: false,
      focusable: false,
      connectable: false,
      zIndex: 0,
    }));
    const components: Node<ComponentData>[] = view.components.map((c) => {
      const problems = problemsOf(diagnostics, c.path).length;
      const title = titleOf(c);
      const kind = t(`kind.${c.kind}`);
      return {
        id: c.id,
        type: "component",
        position: positions.get(c.id) ?? { x: 0, y: 0 },
        data: { c, kind, title, problems },
        selected: c.id === selected,
        draggable: false,
        zIndex: 2,
        ariaLabel: problems
          ? t("compose.nodeLabelProblems", { kind, title, id: c.id, count: problems })
          : t("compose.nodeLabel", { kind, title, id: c.id }),
      };
    });
    return [...lanes, ...components];
  }, [bands, positions, view.components, diagnostics, selected, t]);

  const edges = useMemo<Edge[]>(
    () =>
      view.links.map((l) => {
        const bad = diagnostics.some((d) => d.path === l.path || d.path.startsWith(`${l.path}.`));
        return {
          id: `${l.from}->${l.to}`,
          source: l.from,
          target: l.to,
          className: bad ? "compose-edge has-problems" : "compose-edge",
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          // Above the lane bands (which are nodes), below the components.
          zIndex: 1,
          ariaLabel: t("compose.edgeLabel", { from: l.from, to: l.to }),
          data: { path: l.path },
        };
      }),
    [view.links, diagnostics, t],
  );

  // Keep the whole composition in sight when components come and go.
  const count = view.components.length;
  useEffect(() => {
    const id = requestAnimationFrame(() => void flow.fitView({ padding: 0.06, maxZoom: 1.1 }));
    return () => cancelAnimationFrame(id);
  }, [count, flow]);

  // xyflow measures nodes and their handles through `onNodesChange`; the measurements are
  // carried over when the nodes are recomputed from a new composition, or edges would wait
  // for a measurement that never comes (the sizes do not change).
  const [nodes, setNodes] = useState<Node[]>(computed);
  useEffect(() => {
    setNodes((prev) => {
      const measured = new Map(prev.map((n) => [n.id, n.measured]));
      return computed.map((n) => {
        const m = measured.get(n.id);
        return m ? { ...n, measured: m } : n;
      });
    });
  }, [computed]);

  const onNodesChange = (changes: NodeChange[]) => {
    // Removal is an edit of the file (onNodesDelete), not of this list.
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== "remove"), ns));
    for (const ch of changes) if (ch.type === "select" && ch.selected) onSelect(ch.id);
  };

  const onDrop = (e: DragEvent) => {
    const raw = e.dataTransfer.getData(OFFERING_MIME);
    if (!raw) return;
    e.preventDefault();
    const { offering } = JSON.parse(raw) as { offering: string };
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const lane = laneAt(bands, at.y);
    if (lane) void apply({ edit: "add-offering", lane, offering });
  };

  return (
    <div
      className="compose-canvas"
      data-testid="compose-canvas"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(OFFERING_MIME)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
        }
      }}
      onDrop={onDrop}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onPaneClick={() => onSelect(null)}
        onConnect={(c: Connection) => void apply({ edit: "link", from: c.source, to: c.target })}
        onNodesDelete={(ns) => {
          const n = ns.find((x) => x.type === "component");
          if (n) void apply({ edit: "remove", id: n.id });
        }}
        onEdgesDelete={(es) => {
          const e = es[0];
          if (e) void apply({ edit: "unlink", from: e.source, to: e.target });
        }}
        deleteKeyCode="Delete"
        nodesDraggable={false}
        minZoom={0.35}
        maxZoom={1.6}
        fitView
        proOptions={{ hideAttribution: true }}
        aria-label={t("compose.canvasLabel")}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
