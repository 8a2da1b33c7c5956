routing-title = Routing rules
routing-intro_html = When a worker scans the join QR code of this organisation or of one above it, the application is routed to one grassroots union in this order: first by <strong>employer</strong> (the employer's own union), then by <strong>platform partner</strong> (the union of a platform's partner companies in an area), then by <strong>occupation group</strong>, and last by <strong>area catch-all</strong>. Within a stage, the rules of lower organisations come before those of higher ones, and this organisation's rules apply in the order below. Rules apply only to people who work in this organisation's area. When no rule matches, the default is the local industry federation, then the catch-all union. Workers can see where they were routed and why.
routing-none = This organisation has no routing rules yet.
routing-id = ID
routing-stage = Stage
routing-employer_keyword = Employer keyword
routing-occupation = Occupation group
routing-region = Area
routing-target = Receiving union
routing-reason = Reason shown to the applicant
routing-target_closed = closed: the rule has no effect
routing-target_elsewhere = no longer under this organisation: the rule has no effect
routing-move_up = Move up
routing-move_down = Move down
routing-delete_confirm = New applications will no longer be routed by this rule. Delete it?
routing-delete = Delete
routing-grassroots_note = This union receives the applications made with its own QR code directly; routing rules are set by the federations above it.
routing-grassroots_rules_unused = The rules above were added when this union could still keep rules; they are no longer used and may be deleted.
routing-add = Add rule
routing-add_help = With no conditions, every application from this organisation's area goes to the union. An employer keyword alone: that employer's union; a keyword and an area: the union of the platform's partners in that area; an occupation group alone: that group's industry union. Keywords ignore spaces, full- and half-width forms and case; a name that contains the keyword matches.
routing-employer_label = Employer or platform keyword
routing-employer_placeholder = e.g. SF Express, Meituan
routing-any = (any)
routing-region_code = Area code
routing-region_placeholder = Leave empty for this organisation's area
routing-target_label = Receiving union (name or id)
routing-reason_placeholder = Leave empty to use the stage's default wording
routing-trial = Try it out
routing-trial_help = Where would an application made with this organisation's QR code go? This is only a trial: nothing is saved.
routing-trial_employer = Employer or platform
routing-trial_region = Work area code
routing-trial_submit = Try routing
routing-by_rule = routing rule #{ $id }
routing-by_rule_of = { $org }, routing rule #{ $id }
routing-owner_above = a federation above
routing-by_scanned_union = the code scanned is this union's own
routing-by_industry_federation = no rule matched, so the default: the industry federation
routing-by_catch_all_union = no rule matched, so the default: the catch-all union

route-scanned_union = Scanned this union's code
route-industry_federation = By occupation, to the industry union
route-catch_all_union = To the catch-all union
route-reviewer = Re-routed by a reviewer
route-rule = Routing rule #{ $id }
routing-decided = { $told } (decided by: { $by })

## What a worker is told about where their application went and why.

told-scanned_union = Sent to { $union }: you scanned this union's code
told-industry_federation = Sent to { $union }: the industry federation for your occupation group ({ $occupation }) in your area takes it
told-catch_all_union = Sent to { $union }: the catch-all union where you work takes it
told-rule = Sent to { $union }: { $reason }
told-reviewer = A reviewer re-routed your application to { $union }: { $reason }
told-stage-employer = your employer has a union
told-stage-platform_partner = your platform's partner companies in this area have a union
told-stage-occupation = this union takes applications from the group “{ $occupation }”
told-stage-region = this union takes applications from where you work

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-routing-no_union = no union takes applications for this place of work yet; contact the local union
error-routing_rule-direction = direction is `up` or `down`
error-routing_rule-duplicate = this organisation already has a rule with exactly these conditions
error-routing_rule-keyword_too_short = an employer keyword has at least { $min_keyword_chars } characters
error-routing_rule-owner_closed = a closed organisation keeps no routing rules
error-routing_rule-owner_grassroots = an organisation of kind “{ $kind }” receives the applications made with its own code; routing rules belong to the federations above it
error-routing_rule-region_outside = the area must lie within the owning organisation's region ({ $region })
error-routing_rule-target_not_grassroots = { $target } is not an open grassroots union
error-routing_rule-target_outside = the target union must lie under { $owner }

## Field labels, as error messages name them.

label-employer_keyword = the employer keyword
label-rule_reason = the reason shown to applicants
label-target_union = the receiving union
