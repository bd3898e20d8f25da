//! Walking a syntax tree without recursion (trees follow the input's nesting, which may be deep).

/// Visit `root` and every node under it in pre-order, without recursion (trees follow the input's nesting,
/// which may be deep); `visit` returns whether to go into the node's children.
pub fn preorder<'t>(
    root: tree_sitter::Node<'t>,
    mut visit: impl FnMut(tree_sitter::Node<'t>) -> bool,
) {
    let mut cursor = root.walk();
    loop {
        if visit(cursor.node()) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == root {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}
