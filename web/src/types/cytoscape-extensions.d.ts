// The layout extensions ship no types; they are Cytoscape extension registrars.
declare module 'cytoscape-fcose' {
  import type { Ext } from 'cytoscape';
  const fcose: Ext;
  export default fcose;
}
declare module 'cytoscape-dagre' {
  import type { Ext } from 'cytoscape';
  const dagre: Ext;
  export default dagre;
}
