org-search = Search by name or credit code
org-tree = Organisation tree
org-children = Child organisations
org-none = No child organisations
org-name = Name
org-kind = Kind
org-region = Region
org-region_code = Region code
org-industry = Industry
org-uscc = Unified social credit code
org-status = Status
org-founded_on = Founded on
org-subtree = Organisations in subtree
org-preparing = Preparing
org-founded = Founded
org-closed = Closed
org-checklist = Founding checklist
org-save = Save
org-create_child = New child organisation
org-create = Create
org-edit = Edit
org-move = Move
org-move_to = New parent organisation (name or id)
org-status_change = Change status
org-mark_founded = Mark as founded
org-close = Close
org-none_selected = (none)
org-results = Search results
org-id = ID
org-created = Created
org-saved = Saved
org-overdue = { $count } applications in unions below have waited past their review time limit; follow them up.
org-contact = Contact details
org-contact_help = Shown on the workers' status and card pages, so they can reach this union.

contact-phone = Phone
contact-address = Address
contact-phone_is = phone { $phone }
contact-address_is = address { $address }
contact-none = This union has not given its contact details yet; contact the federation above it.

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-checklist-step_unknown = unknown founding step "{ $step }"
error-checklist-future_date = { $step }: the date cannot be in the future
error-industry-unknown = unknown industry "{ $code }"
error-org-checklist_incomplete = the founding checklist is not complete ({ $done } of 9 steps)
error-org-close_scope_root = you cannot close your own organisation
error-org-contact_phone = a phone is digits with spaces, dashes or brackets, like 025-84512345
error-org-illegal_transition = cannot go from { $from } to { $to }
error-org-import_closed = closed organisations cannot be imported
error-org-kind_unknown = choose a kind of organisation
error-org-move_cycle = an organisation cannot move under itself or its own descendant
error-org-move_scope_root = you cannot move your own root organisation or the tree root
error-org-open_children = { $open } child organisations are still open
error-org-parent_closed = the parent organisation is closed
error-org-parent_kind = a { $kind } cannot sit under a { $parent }
error-org-parent_not_found = the parent organisation does not exist or is outside your scope
error-org-parent_required = choose a parent organisation
error-org-status_unknown = unknown status "{ $status }"
error-region_code-bad_parent = parent { $parent } is not a known county containing this street
error-region_code-duplicate_row = code { $code } appears twice in the file
error-region_code-format = a region code has 6 digits (county and above) or 9 digits (street)
error-region_code-not_street = only 9-digit street codes can be imported
error-region_code-unknown = region code { $code } does not exist
error-uscc-check_char = the check character of the unified social credit code is wrong
error-uscc-format = a unified social credit code uses digits and capital letters except I, O, S, V, Z
error-uscc-length = a unified social credit code has 18 characters
error-uscc-not_union_prefix = note: a grassroots union registered as a union legal person usually has a code beginning with 81
error-uscc-region = characters 3 to 8 must be the registering authority's region code
error-uscc-taken = another organisation already has this unified social credit code

## Field labels, as error messages name them.

label-contact_address = the address
label-name = the name
label-new_parent = the new parent organisation
label-org_name = the organisation's name
