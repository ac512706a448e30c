//! What each table is and what each column means: detected, explained, overridable.
