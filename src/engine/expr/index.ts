/**
 * The expression language of breakpoints, `evaluate` and custom cells: parsed into a tree and interpreted,
 * never compiled or run as JavaScript.
 */
export { ExprError, locate, locateError, MAX_DEPTH, MAX_EVAL_DEPTH, MAX_EXPRESSION_LENGTH, MAX_TENSOR_ELEMENTS, type BinaryOp, type ExprNode, type ExprScope, type ExprValue, type UnaryOp } from './ast';
export { parseExpression } from './parser';
export { evaluate } from './evaluate';
export { formatExpression } from './format';
export { parseAssignments, MAX_ASSIGNMENTS_LENGTH, type Assignment } from './assignments';
export { checkCalls, referencedNames, walk } from './check';
export {
  ELEMENTWISE, REDUCTIONS, MATRIX_FUNCTIONS, NAME_FUNCTIONS, builtinFunctionNames, isElementwise, isReduction, outer, transpose, sigmoid, softplus,
  type ElementwiseFn, type ElementwiseName, type ReductionName,
} from './functions';
export { arith, matmul, describeValue, isTensor, shapeText } from './ops';
export { mapScope } from './scope';
