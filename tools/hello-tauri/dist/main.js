// Reports the first paint after the browser has drawn the page, as Triplane's UI does.
requestAnimationFrame(() =>
  setTimeout(() => {
    const uiMs = performance.now();
    document.documentElement.dataset.firstInteractivePaint = uiMs.toFixed(1);
    window.__TAURI__.core.invoke("mark_first_paint", { uiMs });
  }, 0),
);
