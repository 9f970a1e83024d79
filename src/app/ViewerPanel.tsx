/** The 3D view: both fused skeletons, the cameras' frustums, the floor. */
export function ViewerPanel() {
  return <section className="viewer-panel" data-testid="viewer-panel" aria-label="3D view" />;
}
