routing-title = 入会分派规则
routing-intro_html = 劳动者扫描本组织或上级组织的入会二维码后，系统按以下顺序把申请分派到一个基层工会：先按<strong>工作单位</strong>（该单位自己的工会），再按<strong>平台合作商</strong>（平台在某一地区的合作商工会），再按<strong>职业群体</strong>，最后按<strong>地区兜底</strong>。同一阶段内，下级组织的规则先于上级组织，本组织的规则按下表顺序。规则只适用于在本组织所在地区工作的人。没有规则命中时，按默认：所在地的行业工会联合会，再是兜底工会。劳动者能看到分派结果和理由。
routing-none = 本组织还没有分派规则。
routing-id = 编号
routing-stage = 阶段
routing-employer_keyword = 工作单位关键词
routing-occupation = 职业群体
routing-region = 地区
routing-target = 受理工会
routing-reason = 告知申请人的理由
routing-target_closed = 已撤销，规则不生效
routing-target_elsewhere = 已不在本组织之下，规则不生效
routing-move_up = 上移
routing-move_down = 下移
routing-delete_confirm = 删除后新的申请不再按这条规则分派。确定删除？
routing-delete = 删除
routing-grassroots_note = 本会直接受理扫描本会二维码的入会申请；分派规则由上级总工会设置。
routing-grassroots_rules_unused = 上面的规则添加于本会还可以设置规则之时，现在不会生效，可以删除。
routing-add = 添加规则
routing-add_help = 条件都不填，即本组织所在地区的全部申请都分派给该工会。只填工作单位关键词：该单位的工会；关键词加地区：平台在该地区的合作商工会；只填职业群体：该群体的行业工会。关键词比较时忽略空格、全半角和大小写，名称中含有关键词即命中。
routing-employer_label = 工作单位或平台关键词
routing-employer_placeholder = 如：顺丰、美团
routing-any = （不限）
routing-region_code = 地区代码
routing-region_placeholder = 不填即本组织所在地区
routing-target_label = 受理工会（名称或编号）
routing-reason_placeholder = 不填则按阶段使用默认说明
routing-trial = 试一试
routing-trial_help = 一份从本组织二维码提交的申请会分派到哪里？只是试算，不保存任何数据。
routing-trial_employer = 工作单位或平台
routing-trial_region = 工作地区代码
routing-trial_submit = 试算分派
routing-by_rule = 分派规则 #{ $id }
routing-by_rule_of = { $org }的分派规则 #{ $id }
routing-owner_above = 上级工会
routing-by_scanned_union = 扫描的即为该工会的二维码
routing-by_industry_federation = 无规则命中，按默认：行业工会联合会
routing-by_catch_all_union = 无规则命中，按默认：兜底工会

route-scanned_union = 扫描本工会二维码
route-industry_federation = 按职业分派至行业工会
route-catch_all_union = 分派至兜底工会
route-reviewer = 审核人员改派
route-rule = 分派规则 #{ $id }
routing-decided = { $told }（依据：{ $by }）

## What a worker is told about where their application went and why.

told-scanned_union = 已提交至 { $union }：您扫描的是该工会的入会二维码
told-industry_federation = 已分派至 { $union }：您所在地区有{ $occupation }行业工会联合会
told-catch_all_union = 已分派至 { $union }：您工作所在地的兜底工会负责受理
told-rule = 已分派至 { $union }：{ $reason }
told-reviewer = 已由审核人员改派至 { $union }：{ $reason }
told-stage-employer = 您的工作单位已建立工会
told-stage-platform_partner = 您的平台在本区的合作商已建会
told-stage-occupation = 该工会负责受理{ $occupation }入会
told-stage-region = 该工会负责受理您工作所在地的入会申请

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-routing-no_union = 您工作所在地暂无可以受理入会的工会，请联系当地工会
error-routing_rule-direction = 移动方向只能是上移（up）或下移（down）
error-routing_rule-duplicate = 本组织已有条件完全相同的分派规则，请先删除原规则
error-routing_rule-keyword_too_short = 关键词至少 { $min_keyword_chars } 个字，以免误分派
error-routing_rule-owner_closed = 该组织已撤销，不能再添加分派规则
error-routing_rule-owner_grassroots = { $kind }直接受理扫描本会二维码的申请，分派规则由上级总工会设置
error-routing_rule-region_outside = 地区须在本组织所在地区（{ $region }）之内
error-routing_rule-target_not_grassroots = { $target } 不是可以受理入会的基层工会
error-routing_rule-target_outside = 受理工会须是{ $owner }的下级工会

## Field labels, as error messages name them.

label-employer_keyword = 工作单位或平台关键词
label-rule_reason = 告知申请人的分派理由
label-target_union = 受理工会
