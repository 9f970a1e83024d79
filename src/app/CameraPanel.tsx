/** Camera tiles: one per source, video with the 2D skeleton drawn over it. */
export function CameraPanel() {
  return (
    <section className="camera-panel" data-testid="camera-panel" aria-label="Cameras">
      <h2>Cameras</h2>
    </section>
  );
}
