/** Custom cells: equations in the spec, compiled to a graph and stepped like the built-in cells. */
export { CustomCell } from './cell';
export { compile, EquationError, RESERVED, type EquationIssue, type GraphNode, type Program } from './compile';
