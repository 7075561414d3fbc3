/** Raised when the IR handed to the renderer is not internally consistent (a dangling index, a cycle). */
export class GraphRenderError extends Error {
  readonly code: 'FLUX_GRAPH_BAD_IR';

  constructor(message: string) {
    super(message);
    this.name = 'GraphRenderError';
    this.code = 'FLUX_GRAPH_BAD_IR';
  }
}
