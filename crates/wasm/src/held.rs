//! What the worker holds: its one workspace, shared by the message loop (`worker`) and the live
//! streams (`stream`), which run on the worker's one thread and so borrow it in turn.

use std::cell::RefCell;

use crate::service::Service;

thread_local! {
    pub(crate) static SERVICE: RefCell<Service> = RefCell::new(Service::default());
}
