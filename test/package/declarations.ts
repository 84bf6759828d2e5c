/**
 * Reads the published declaration files (dist/*.d.ts) with the TypeScript compiler API: which
 * types an entry's exported declarations name without the entry exporting them. An app that
 * calls `new TableDirectoryStore(client, options)` must be able to name `options`' type.
 */
import ts from "typescript";

export interface UnexportedReference {
  /** The local type (interface, alias, class, enum) the entry does not export. */
  name: string;
  /** The exported declaration whose signature names it, e.g. `TableDirectoryStore`. */
  from: string;
}

export interface UnexportedOptions {
  /**
   * Classes whose constructors are skipped: apps receive their instances, never build them
   * (Twilio's typings declare such constructors too, taking its internal services).
   */
  builtByTheLibrary?: readonly string[];
  /** Local types that may stay unexported (name -> why); what they name is checked as if they were exported. */
  allowed?: Readonly<Record<string, string>>;
}

/** Every local type named by an exported declaration of `file` (a bundled .d.ts) that the file does not export. */
export function unexportedReferences(file: string, options: UnexportedOptions = {}): UnexportedReference[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${file} is not a module`);

  const resolve = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(resolve));
  const builtByTheLibrary = new Set(options.builtByTheLibrary ?? []);
  const allowed = options.allowed ?? {};
  const found = new Map<string, UnexportedReference>();
  const queue = [...exported];

  const isLocal = (symbol: ts.Symbol) => (symbol.declarations ?? []).some((declaration) => declaration.getSourceFile() === source);
  const isPrivate = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);

  const visit = (node: ts.Node, from: string): void => {
    // What apps cannot reach is not surface: private members, `#private`, library-built constructors.
    if (isPrivate(node) || ts.isPrivateIdentifier(node)) return;
    if (ts.isConstructorDeclaration(node) && ts.isClassDeclaration(node.parent) && builtByTheLibrary.has(node.parent.name?.text ?? "")) return;
    let name: ts.EntityName | ts.Expression | undefined;
    if (ts.isTypeReferenceNode(node)) name = node.typeName;
    else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
    else if (ts.isTypeQueryNode(node)) name = node.exprName;
    if (name) {
      const symbol = checker.getSymbolAtLocation(ts.isQualifiedName(name) ? name.left : ts.isPropertyAccessExpression(name) ? name.expression : name);
      if (symbol) {
        const target = resolve(symbol);
        if (!(target.flags & ts.SymbolFlags.TypeParameter) && isLocal(target) && !exported.has(target)) {
          if (Object.hasOwn(allowed, target.name)) {
            if (!queue.includes(target)) queue.push(target);
          } else {
            const key = `${target.name} <- ${from}`;
            if (!found.has(key)) found.set(key, { name: target.name, from });
          }
        }
      }
    }
    ts.forEachChild(node, (child) => visit(child, from));
  };

  // The queue grows while it is walked: allowed types are walked when first named.
  for (let i = 0; i < queue.length; i++) {
    const symbol = queue[i]!;
    if (!isLocal(symbol)) continue;
    for (const declaration of symbol.declarations ?? []) if (declaration.getSourceFile() === source) visit(declaration, symbol.name);
  }
  return [...found.values()];
}
